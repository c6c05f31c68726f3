from . import (
    test_api_keys,
    test_claim_concurrency,
    test_event_feed,
    test_health,
    test_http_api,
    test_idempotency,
    test_json_body,
    test_robust_input,
    test_fuzz_routes,
    test_openapi,
    test_rate_counter,
    test_request_retry,
    test_runner,
    test_technical_user,
    test_tools,
)
from . import test_metrics
