from . import integration_encryption_mixin
from . import integration_reprocess_mixin
from . import integration_system
from . import integration_event_type
from . import integration_event
from . import integration_exception
from . import res_config_settings
