from . import integration_broker_connection
from . import integration_subscription
from . import integration_delivery_queue
from . import integration_delivery
from . import integration_broker_consumer
from . import integration_broker_consumer_worker
from . import integration_metrics
from . import integration_api_message
