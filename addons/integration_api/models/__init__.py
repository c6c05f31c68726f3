from . import (
    integration_api_scope,
    integration_api_key,
    integration_api_rate_bucket,
    integration_api_request_log,
    integration_api_idempotency,
    integration_api_message,
    integration_api_queue,
    integration_api_router,
    integration_api_dispatcher,
    integration_system,
    integration_event,
    integration_api_message_record_link,
)
