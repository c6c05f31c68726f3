from . import test_tools
from . import test_publish
from . import test_consumer
from . import test_tls
from . import test_consumer_metrics
from . import test_ui_tour
