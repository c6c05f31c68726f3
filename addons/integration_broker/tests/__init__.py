from . import test_tools
from . import test_publish
from . import test_consumer
