from . import test_tools
from . import test_event
from . import test_exception
from . import test_security
from . import test_mapping
from . import test_mapping_tools
from . import test_schema_url
from . import test_first_hour
