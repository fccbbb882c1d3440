"""The words a page puts cases into are looked up once per page and value, and each page
gets its own: a page in Chinese never shows a label kept from one in English, and a label
renders as the catalogue's text while any other value is escaped, as it always was."""

from datetime import timedelta

from flask_babel import force_locale
from markupsafe import escape

from app.cases.wording import case_helpers
from app.core import clock


def test_each_page_says_its_labels_and_times_in_its_own_language(app):
    in_two_days = clock.now() + timedelta(days=2, minutes=5)
    with app.test_request_context():
        with force_locale("en"):
            english = case_helpers()
            assert english["state_label"]("mediation") == "With the mediator"
            assert english["time_left"](in_two_days) == "2 days left"
            assert english["deadline_label_of"]("mediation", False) == (
                "The mediator's first action due"
            )
        with force_locale("zh_Hans"):
            chinese = case_helpers()
            assert chinese["state_label"]("mediation") == "调解中"
            assert chinese["time_left"](in_two_days) == "剩余 2 天"
            assert chinese["deadline_label_of"]("mediation", False) == "调解员首次处理截止"


def test_a_label_renders_as_its_text_and_anything_else_is_escaped(app):
    with app.test_request_context(), force_locale("en"):
        helpers = case_helpers()
        accepted = helpers["decision_kind_label"]("proposal_accepted")
        assert str(escape(accepted)) == "Both sides accepted the mediator's proposal."
        assert str(escape(helpers["claim_type_label"]("<b>odd</b>"))) == "&lt;b&gt;odd&lt;/b&gt;"
