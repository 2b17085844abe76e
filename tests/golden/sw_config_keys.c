// SPDX-License-Identifier: BSD-2-Clause
/*
 * Prints every key path the config loader's libcyaml schema accepts, one a
 * line ("detect.campaign.prefix4"), for tests/golden/test_docs.sh to
 * compare with etc/scrapewatch.yaml. The schema tables are static in
 * config.c, so this helper compiles that file in (and links the other
 * library objects without config.o): what it prints is the schema the
 * loader uses, not a copy that could drift.
 */
#include "../../src/config/config.c"

static void print_fields(const cyaml_schema_field_t *f, const char *prefix)
{
	char path[256];

	for (; f->key; f++) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
			 *prefix ? "." : "", f->key);
		printf("%s\n", path);
		/* Keys below a mapping; a sequence's entries are values, and an
		 * ignored key (detect.rules, keyed by rule ID) has none fixed. */
		if (f->value.type == CYAML_MAPPING)
			print_fields(f->value.mapping.fields, path);
	}
}

int main(void)
{
	print_fields(top_schema.mapping.fields, "");
	return 0;
}
