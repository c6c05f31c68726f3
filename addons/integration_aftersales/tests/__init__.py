from . import test_tools
from . import test_api_returns
from . import test_api_invoices
from . import test_security
