from . import test_payloads
from . import test_mapping_fallbacks
from . import test_order_accepted
from . import test_shipment_dispatched
from . import test_order_webhooks
from . import test_order_intake
from . import test_api_orders
from . import test_api_orders_queued
