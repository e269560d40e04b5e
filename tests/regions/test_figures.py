import datetime

import pytest

from regions.figures import Change, change_between, period_label


@pytest.mark.parametrize(
    ("earlier", "later", "percent", "words"),
    [
        (84, 139, 65, "up 65%"),  # 65.48 rounds down
        (1747, 3549, 103, "up 103%"),  # 103.15
        (200, 201, 1, "up 1%"),  # 0.5 rounds away from zero
        (200, 199, -1, "down 1%"),  # -0.5 rounds away from zero
        (3, 4, 33, "up 33%"),
        (3, 5, 67, "up 67%"),
        (139, 84, -40, "down 40%"),  # -39.57
        (50, 50, 0, "no change"),
        (1000, 1001, 0, "up less than 1%"),
        (1000, 999, 0, "down less than 1%"),
        (1000, 996, 0, "down less than 1%"),  # -0.4
    ],
)
def test_percentage_change_is_rounded_to_nearest_whole_number(earlier, later, percent, words):
    change = Change(earlier=earlier, later=later)
    assert change.percent == percent
    assert change.describe() == words


def test_zero_base_is_new_not_a_percentage():
    change = Change(earlier=0, later=12)
    assert change.is_new
    assert change.percent is None
    assert change.describe() == "new"
    assert change.direction == "new"


def test_zero_to_zero_is_no_change():
    change = Change(earlier=0, later=0)
    assert not change.is_new
    assert change.describe() == "no change"


@pytest.mark.parametrize(("earlier", "later"), [(None, 139), (84, None), (None, None)])
def test_missing_period_gives_no_change(earlier, later):
    assert change_between(earlier, later) is None


def test_signed_absolute_groups_thousands():
    assert Change(earlier=1747, later=3549).signed_absolute == "+1,802"
    assert Change(earlier=3549, later=1747).signed_absolute == "−1,802"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ((2017, 7, 1), (2017, 12, 31), "July to December 2017"),
        ((2017, 7, 1), (2018, 6, 30), "July 2017 to June 2018"),
        ((2024, 3, 1), (2024, 3, 31), "March 2024"),
        ((2024, 3, 5), (2024, 3, 20), "5 March to 20 March 2024"),
        ((2023, 12, 5), (2024, 1, 20), "5 December 2023 to 20 January 2024"),
        ((2024, 2, 1), (2024, 2, 29), "February 2024"),
        ((2024, 3, 5), (2024, 3, 5), "5 March 2024"),
    ],
)
def test_period_label(start, end, label):
    assert period_label(datetime.date(*start), datetime.date(*end)) == label
