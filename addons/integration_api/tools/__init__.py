"""Pure helpers of the inbound API: no ORM, no ``env``.

The dispatcher model orchestrates them; each is tested on its own (doctests
and ``BaseCase`` tests).
"""
