from . import test_tools, test_api_keys, test_http_api, test_idempotency, test_event_feed, test_openapi
