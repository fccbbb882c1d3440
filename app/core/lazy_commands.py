"""Command groups imported when they are invoked, not when the app is built.

Every process that builds the app registers every ``flask`` command, web workers included.
A group whose module pulls in a heavy library (Alembic for ``flask db``, the demo's drawing
and video encoding for ``flask demo``) is registered as a ``LazyGroup`` naming where it
lives: its module is imported when the group is run, and the real group parses the command
line (its options, callback and commands are its own).
"""

import importlib

import click


class LazyGroup(click.Group):
    def __init__(self, name: str, target: str, help: str):
        super().__init__(name, help=help)
        self.target = target  # "package.module:attribute"

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        module, _, attribute = self.target.partition(":")
        group = getattr(importlib.import_module(module), attribute)
        return group.make_context(info_name, args, parent=parent, **extra)
