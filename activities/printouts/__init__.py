"""What is printed about one activity: the sign-in sheet (签到表) taken to the event, and the
filing copy (活动登记表) the office keeps. Both print from the browser as they are on A4; the
sign-in sheet also downloads as a formal .xlsx (fuan_rotation.formal)."""
