"""What happens to a case that features above ``cases`` act on (blinker signals, as Flask's
own are). ``cases`` sends them and imports none of its listeners; each listener connects in
its feature's ``signals.py``, and the app factory connects them all.

* ``case_filing`` — a case is about to be stored: listeners may fill in its fields
  (mediation assigns the mediator). Sent with the unsaved ``case``.
* ``case_decided`` — a decision was recorded, in the same transaction. Sent with the
  ``case`` and ``final=True`` when it is carried out at once (both sides agreed), ``False``
  when it waits for its appeal window. Execution replaces the steps of an earlier decision
  and, when final, starts carrying it out.
"""

from blinker import Namespace

_signals = Namespace()

case_filing = _signals.signal("case-filing")
case_decided = _signals.signal("case-decided")
