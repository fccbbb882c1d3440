"""An admin's journey in a browser: the demo's penalised shop is lifted from its restriction
on a phone, in Chinese, and leaves the public list a visitor reads on a desktop, in English;
the lifting is then found in the audit log. The journey puts the demo back as it found it."""

import pytest

pytestmark = pytest.mark.browser

ADMIN = "admin@example.com"
SHOP = "娜娜美妆 Nana Beauty"
PHONE = {"width": 390, "height": 844}


def submit(page, form):
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_an_admin_lifts_a_restriction_and_the_shop_leaves_the_public_list(actors, site):
    visitor = actors("visitor@example.com", name="lift-restriction", log_in=False)
    page = visitor.go("/penalised-shops")
    row = page.locator("table.penalised-shops tbody tr").first
    assert SHOP in row.inner_text() and "Did not refund the buyer in time" in row.inner_text()
    visitor.shot("1-penalised-list")

    admin = actors(ADMIN, locale="zh-CN", name="lift-restriction-zh")
    admin.page.set_viewport_size(PHONE)
    try:
        phone = admin.go("/admin/users")
        phone.get_by_role("link", name="销售限制").click()
        phone.wait_for_load_state()
        restriction = phone.locator("table.restrictions tbody tr", has_text=SHOP)
        assert "未按时向买家退款" in restriction.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        admin.shot("2-restrictions-phone")

        form = restriction.locator("form.lift-form")
        button = form.locator("button[type=submit]").bounding_box()
        assert button["x"] + button["width"] <= PHONE["width"]  # within reach, no scrolling
        submit(phone, form)  # no reason: refused beside the field
        assert "请说明解除限制的原因。" in restriction.locator(".field-errors").inner_text()
        restriction.locator("textarea").fill("卖家已于 6 月 12 日补足退款，买家确认收到。")
        submit(phone, form)
        assert f"已解除对{SHOP}的限制。" in phone.locator("main").inner_text()
        assert "目前没有店铺受到限制。" in phone.locator("main").inner_text()
        admin.shot("3-lifted-phone")

        page = visitor.go("/penalised-shops")
        assert SHOP not in page.locator("main").inner_text()
        assert "No shop is penalised at the moment." in page.locator("main").inner_text()
        visitor.shot("4-left-the-list")

        admin.page.set_viewport_size({"width": 1280, "height": 900})
        log = admin.go("/admin/audit?action=selling_restriction.lifted")
        entry = log.locator("table.audit-log tbody tr").first
        assert "解除了销售限制" in entry.inner_text() and "6 月 12 日" in entry.inner_text()
        admin.shot("5-audit-log")
    finally:
        # the demo as it was: the shop penalised again, for the journeys that follow
        site.sql("UPDATE selling_restrictions SET lifted_at = NULL")
