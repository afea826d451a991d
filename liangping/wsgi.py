import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
django_application = get_wsgi_application()

# The lobby screens' poll of /screen/data.json is answered before Django's middleware (after setup,
# which get_wsgi_application has done): liangping.screen.fastpath.
from liangping.screen.fastpath import ScreenFastPath  # noqa: E402

application = ScreenFastPath(django_application)
