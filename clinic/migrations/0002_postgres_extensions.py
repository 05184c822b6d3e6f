from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """btree_gist backs the no-double-booking exclusion constraints; pg_trgm the name search."""

    dependencies = [("clinic", "0001_initial")]

    operations = [BtreeGistExtension(), TrigramExtension()]
