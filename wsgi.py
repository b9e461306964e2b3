from statements import create_app
from statements.core.serving import settle

app = settle(create_app())
