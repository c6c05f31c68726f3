"""Pure helpers of the distribution glue: no ORM, no ``env``."""
