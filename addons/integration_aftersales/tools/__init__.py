"""Pure helpers of after-sales: no ORM, no ``env``."""
