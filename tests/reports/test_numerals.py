import pytest

from reports.numerals import chinese_numeral, percent, span_in_words


@pytest.mark.parametrize(
    ("number", "plain", "before_measure"),
    [
        (0, "零", "零"),
        (1, "一", "一"),
        (2, "二", "两"),
        (10, "十", "十"),
        (12, "十二", "十二"),
        (20, "二十", "二十"),
        (22, "二十二", "二十二"),
        (101, "一百零一", "一百零一"),
        (110, "一百一十", "一百一十"),
        (200, "二百", "两百"),
        (1001, "一千零一", "一千零一"),
        (1010, "一千零一十", "一千零一十"),
        (2019, "二千零一十九", "两千零一十九"),
        (10010, "一万零一十", "一万零一十"),
        (12345, "一万二千三百四十五", "一万两千三百四十五"),
        (20000, "二万", "两万"),
        (99999, "九万九千九百九十九", "九万九千九百九十九"),
    ],
)
def test_chinese_numeral(number, plain, before_measure):
    assert chinese_numeral(number) == plain
    assert chinese_numeral(number, measure=True) == before_measure


@pytest.mark.parametrize("bad", [-1, 100000, 1.5, True, "2"])
def test_chinese_numeral_refuses(bad):
    with pytest.raises(ValueError):
        chinese_numeral(bad)


@pytest.mark.parametrize(
    ("months", "words"),
    [
        (1, "一个月"),
        (2, "两个月"),
        (8, "八个月"),
        (11, "十一个月"),
        (12, "一年"),
        (17, "一年"),
        (18, "一年半"),
        (21, "一年半"),  # November 2017 – July 2019, as the July 2019 report said
        (24, "两年"),
        (30, "两年半"),
        (36, "三年"),
    ],
)
def test_span_in_words(months, words):
    assert span_in_words(months) == words


def test_span_needs_a_month():
    with pytest.raises(ValueError):
        span_in_words(0)


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (8 / 11, "72.7%"),
        (1 / 11, "9.1%"),
        (1, "100%"),
        (0, "0%"),
        (0.0005, "0.1%"),  # half up, not to the even digit
        (126 / 129, "97.7%"),
        (None, "—"),
    ],
)
def test_a_rate_is_a_percentage_to_one_decimal(share, text):
    assert percent(share) == text
