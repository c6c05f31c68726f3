from . import res_partner
from . import product_product
from . import stock_warehouse
from . import sale_order
from . import stock_picking
from . import sale_order_intake
from . import integration_api_router
from . import integration_system
