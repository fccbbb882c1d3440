"""The panel simulator, the operator's lab (``flask jury simulate``): the panel rules of
``app.jury.rules`` sitting on simulated cases, to choose the rule and its settings.

* ``reviewers``: the scenario (accuracy, spread, gold answers, leaning, difficulty,
  no-shows, options) and the pool of reviewers it gives;
* ``cases``: each case's own random numbers, shared by every rule it is run with;
* ``panels``: the majority, adaptive and Kleros-style rules, seat by seat and vote by vote,
  on the arrival model of votes over time;
* ``runs``: many cases, and the figures the operator reads;
* ``report``: those figures as text, one rule or several side by side.

docs/simulator.md describes the model and every option.
"""
