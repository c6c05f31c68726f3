"""Pure helpers of fulfilment: no ORM, no ``env``."""
