"""Pure helpers of the integration suite: no ORM, no ``env``.

Models and controllers orchestrate; the logic that can be tested without a
database lives here.
"""
