from . import integration_subscription
from . import integration_subscription_secret
from . import integration_subscription_header
from . import integration_delivery
from . import integration_delivery_attempt
from . import integration_event
from . import res_config_settings
from . import integration_delivery_record_link
