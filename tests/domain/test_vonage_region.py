"""The Vonage region suggested from the number's country (domain/provider_addresses.py)."""

import pytest

from phonewizard.domain.providers import VONAGE_REGIONS, vonage_region_for


@pytest.mark.parametrize("number, region", [
    ("+442071838750", "eu"),  # United Kingdom
    ("+33142685300", "eu"), ("+4930901820", "eu"), ("+905321234567", "eu"), ("+971501234567", "eu"),
    ("+14155550123", "us"), ("+5511912345678", "us"),  # NANP, Brazil
    ("+61291234567", "ap"), ("+81312345678", "ap"), ("+918035736839", "ap"), ("+6591234567", "ap"),
    ("+27211234567", "eu"), ("+74951234567", "eu"),  # South Africa, Russia
])
def test_the_nearest_region(number, region):
    assert vonage_region_for(number) == region and region in VONAGE_REGIONS


@pytest.mark.parametrize("text", ["", "+", "+4", "442071838750", "+44 20 7183 8750", "+0123456789"])
def test_no_suggestion_before_there_is_a_number(text):
    assert vonage_region_for(text) is None
