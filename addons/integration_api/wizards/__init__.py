from . import integration_api_key_issue_wizard
from . import integration_system_user_wizard
