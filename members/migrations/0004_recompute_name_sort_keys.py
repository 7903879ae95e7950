"""Recompute every member's pinyin_key and stroke_key after the 姓氏笔画 and surname-reading
rules changed (single given names first, Unihan stroke counts, 都/乜/能 readings)."""

from django.db import migrations


def recompute(apps, schema_editor):
    from members.sorting import pinyin_key, stroke_key

    Member = apps.get_model("members", "Member")
    changed = []
    for member in Member.objects.only("pk", "name", "pinyin_key", "stroke_key").iterator():
        keys = (pinyin_key(member.name), stroke_key(member.name))
        if keys != (member.pinyin_key, member.stroke_key):
            member.pinyin_key, member.stroke_key = keys
            changed.append(member)
    Member.objects.bulk_update(changed, ["pinyin_key", "stroke_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_login_password_change_and_session_token")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
