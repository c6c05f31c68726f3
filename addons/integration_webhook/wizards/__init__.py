from . import integration_secret_reveal
from . import integration_replay_wizard
