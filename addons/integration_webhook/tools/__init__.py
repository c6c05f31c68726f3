"""Pure delivery logic: retry schedule, circuit breaker, request building, HTTP."""
