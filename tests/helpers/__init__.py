"""What the tests share: factories, page readers, race runners and hostile files.

Test modules import from here, never from one another.
"""
