"""Pure helpers of inventory visibility: no ORM, no ``env``."""
