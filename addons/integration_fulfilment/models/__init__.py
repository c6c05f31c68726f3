from . import integration_shipment_milestone
from . import stock_picking
from . import sale_order
from . import integration_api_shipment_resource
from . import integration_api_router
from . import stock_picking_channel_view
