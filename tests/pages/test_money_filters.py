"""Money in pages: sign, separators and the minus of a loss in the right place."""

from decimal import Decimal

import pytest

from rapport.core.templatetags.rapport_tags import money
from rapport.crm.templatetags.crm import money as crm_money
from rapport.crm.templatetags.crm import money_whole


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("1234567.4"), "CNY", "¥1,234,567"),
        (Decimal("-9960.2"), "CNY", "-¥9,960"),
        (Decimal("-0.4"), "CNY", "¥0"),
        (-1500, "USD", "-$1,500"),
        (Decimal("-12"), "SGD", "-SGD 12"),
        (None, "CNY", ""),
    ],
)
def test_the_shared_money_filter_puts_a_loss_minus_before_the_sign(
    value, currency, shown
):
    assert money(value, currency) == shown


def test_the_crm_filters_put_the_minus_before_the_sign_too():
    assert crm_money(Decimal("-2542.5"), "CNY") == "-¥2,542.50"
    assert crm_money(Decimal("2542.5"), "EUR") == "€2,542.50"
    assert money_whole(Decimal("-1250000"), "HKD") == "-HK$1,250,000"
    assert crm_money(None) == "–"
