/* dti user add | list | disable | passwd | invite — the accounts of dti-web
 * (lib/auth.h).  Passwords are read from standard input only, never from
 * an argument (which any user of the machine can see in ps). */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "log.h"
#include "store_user.h"
#include "table.h"
#include "units.h"
#include "util.h"
#include "verifiers.h"

#define MAX_UNITS 16

/* Who ran the command, for the audit trail: "cli:" and the user. */
static void cli_actor(char out[96])
{
	const struct passwd *pw = getpwuid(geteuid());

	snprintf(out, 96, "cli:%s", pw ? pw->pw_name : "?");
}

/* One line from standard input without its line end, into out. */
static int read_password(char out[AUTH_PASSWORD_MAX + 2])
{
	char why[96];
	size_t n;

	if (!fgets(out, AUTH_PASSWORD_MAX + 2, stdin)) {
		log_error("no password on standard input (--password-stdin)");
		return EXIT_USAGE;
	}
	n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[--n] = '\0';
	if (n && out[n - 1] == '\r')
		out[--n] = '\0';
	if (!auth_password_ok(out, why)) {
		log_error("the password %s", why);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

/* The commune code must be one of the deployment's active communes. */
static int check_commune(app *a, const char *raw, char code[16])
{
	commune_list active = {0};
	bool found = false;
	dti_diag d;
	dti_err rc;

	if (!commune_code_normalise(raw, code))
		return usage_error("--commune takes a commune code such as 11989");
	rc = staging_active_communes(a->st, &active, &d);
	if (rc)
		return fail(rc, &d);
	for (size_t i = 0; i < active.count; i++)
		found = found || strcmp(active.items[i].code, code) == 0;
	commune_list_free(&active);
	if (!found) {
		log_error("commune '%s' is not one of the communes this deployment assesses "
			  "(see 'dti communes list')",
			  code);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static int check_unit(app *a, const char *unit)
{
	verifier_units all;

	if (verifiers_known(a->fw, unit))
		return EXIT_OK;
	log_error("unit '%s' verifies no indicator of framework %s; its units are:", unit,
		  a->fw->edition);
	verifiers_list(a->fw, &all);
	for (size_t i = 0; i < all.n; i++)
		fprintf(stderr, "  %s\n", all.names[i]);
	verifiers_free(&all);
	return EXIT_REFUSED;
}

typedef struct add_args {
	const char *role, *commune;
	char *units[MAX_UNITS];
	size_t n_units;
	bool password_stdin;
} add_args;

static int add_parse(int argc, char **argv, add_args *x)
{
	static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
					     {"commune", required_argument, NULL, 'c'},
					     {"unit", required_argument, NULL, 'u'},
					     {"password-stdin", no_argument, NULL, 'p'},
					     {NULL, 0, NULL, 0}};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:c:u:p", opts, NULL)) != -1) {
		if (c == 'r')
			x->role = optarg;
		else if (c == 'c')
			x->commune = optarg;
		else if (c == 'u' && x->n_units < MAX_UNITS)
			x->units[x->n_units++] = optarg;
		else if (c == 'u')
			return usage_error("at most 16 --unit");
		else if (c == 'p')
			x->password_stdin = true;
		else
			return option_error(opts, argv);
	}
	if (optind + 1 != argc)
		return usage_error("give one account NAME");
	if (!x->role || auth_role_parse(x->role) < 0)
		return usage_error("--role takes commune, appraiser, viewer or admin");
	if ((auth_role_parse(x->role) == AUTH_ROLE_COMMUNE) != (x->commune != NULL))
		return usage_error("--commune CODE goes with --role commune, and only with it");
	if ((auth_role_parse(x->role) == AUTH_ROLE_APPRAISER) != (x->n_units > 0))
		return usage_error("--unit NAME goes with --role appraiser, and it needs one");
	return -1;
}

static int user_add(app *a, int argc, char **argv)
{
	add_args x = {0};
	char code[16] = "", pw[AUTH_PASSWORD_MAX + 2] = "", hash[AUTH_HASH_MAX] = "", why[96];
	char actor[96];
	const char *name;
	store_account acct = {0};
	dti_diag d;
	dti_err rc;
	int r = add_parse(argc, argv, &x);

	if (r >= 0)
		return r;
	name = argv[optind];
	if (!auth_name_ok(name, why)) {
		log_error("account name '%s' %s", name, why);
		return EXIT_REFUSED;
	}
	if (x.commune && (r = check_commune(a, x.commune, code)) != EXIT_OK)
		return r;
	for (size_t i = 0; i < x.n_units; i++)
		if ((r = check_unit(a, x.units[i])) != EXIT_OK)
			return r;
	if (x.password_stdin && (r = read_password(pw)) != EXIT_OK)
		return r;
	rc = x.password_stdin ? auth_password_hash(pw, hash, &d) : DTI_EOK;
	acct = (store_account){.name = (char *)name,
			       .role = (char *)x.role,
			       .commune_code = x.commune ? code : NULL,
			       .password_hash = x.password_stdin ? hash : NULL,
			       .units = x.units,
			       .n_units = x.n_units};
	if (!rc)
		rc = store_account_add(a->st, &acct, NULL, &d);
	cli_actor(actor);
	if (!rc)
		rc = store_audit_add(a->st, actor, "user add", name, &d);
	if (rc)
		return fail(rc, &d);
	log_info("account '%s' added (%s)%s", name, x.role,
		 x.password_stdin ? "" : "; give it a password with 'dti user invite'");
	return EXIT_OK;
}

static int user_list(app *a, int argc, char **argv)
{
	store_accounts l;
	table *t;
	dti_diag d;
	dti_err rc;
	strbuf us;

	(void)argv;
	if (argc > 1)
		return usage_error("takes no arguments");
	rc = store_account_list(a->st, &l, &d);
	if (rc) {
		store_accounts_free(&l);
		return fail(rc, &d);
	}
	t = table_open(stdout, 6);
	table_rowv(t, "name", "role", "commune", "units", "disabled", "created");
	for (size_t i = 0; i < l.n; i++) {
		const store_account *x = &l.items[i];
		sb_init(&us, 0);
		for (size_t k = 0; k < x->n_units; k++)
			sb_appendf(&us, "%s%s", k ? "; " : "", x->units[k]);
		table_rowv(t, x->name, x->role, x->commune_code ? x->commune_code : "",
			   us.data ? us.data : "", x->disabled ? "yes" : "no", x->created);
		sb_free(&us);
	}
	table_close(t);
	store_accounts_free(&l);
	return EXIT_OK;
}

/* The account named argv[1] (the only argument); EXIT_OK with *acct set. */
static int named_account(app *a, int argc, char **argv, store_account *acct)
{
	bool found = false;
	dti_diag d;
	dti_err rc;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error("give one account NAME");
	rc = store_account_get(a->st, argv[1], 0, acct, &found, &d);
	if (rc)
		return fail(rc, &d);
	if (!found) {
		log_error("no account named '%s' (see 'dti user list')", argv[1]);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static int user_disable(app *a, int argc, char **argv)
{
	bool found = false;
	char actor[96];
	dti_diag d;
	dti_err rc;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error("give one account NAME");
	rc = store_account_set_disabled(a->st, argv[1], true, &found, &d);
	cli_actor(actor);
	if (!rc && found)
		rc = store_audit_add(a->st, actor, "user disable", argv[1], &d);
	if (rc)
		return fail(rc, &d);
	if (!found) {
		log_error("no account named '%s' (see 'dti user list')", argv[1]);
		return EXIT_REFUSED;
	}
	log_info("account '%s' disabled; its sessions ended", argv[1]);
	return EXIT_OK;
}

static int user_passwd(app *a, int argc, char **argv)
{
	store_account acct = {0};
	char pw[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_MAX], actor[96];
	bool stdin_given = argc == 3 && (strcmp(argv[2], "--password-stdin") == 0 ||
					 strcmp(argv[1], "--password-stdin") == 0);
	char *args[2];
	dti_diag d;
	dti_err rc;
	int r;

	if (!stdin_given)
		return usage_error("give the account NAME and --password-stdin");
	args[0] = argv[0];
	args[1] = strcmp(argv[1], "--password-stdin") == 0 ? argv[2] : argv[1];
	r = named_account(a, 2, args, &acct);
	if (r == EXIT_OK)
		r = read_password(pw);
	if (r != EXIT_OK)
		goto out;
	rc = auth_password_hash(pw, hash, &d);
	if (!rc)
		rc = store_account_set_password(a->st, acct.id, hash, &d);
	cli_actor(actor);
	if (!rc)
		rc = store_audit_add(a->st, actor, "user passwd", acct.name, &d);
	r = rc ? fail(rc, &d) : EXIT_OK;
	if (!rc)
		log_info("password of '%s' set; its sessions ended", acct.name);
out:
	store_account_free(&acct);
	return r;
}

static int user_invite(app *a, int argc, char **argv)
{
	store_account acct = {0};
	auth_policy p;
	json_t *web = json_object_get(a->cfg->root, "web");
	const char *base = json_string_value(json_object_get(web, "public_url"));
	char token[AUTH_TOKEN_HEX], actor[96];
	dti_diag d;
	dti_err rc;
	int r = named_account(a, argc, argv, &acct);

	if (r != EXIT_OK)
		goto out;
	if (!base || strncmp(base, "http", 4) != 0) {
		log_error(
			"%s: set \"web\": {\"public_url\": \"https://…\"} to make invitation links",
			a->cfg->path);
		r = EXIT_CONFIG;
		goto out;
	}
	rc = auth_policy_load(a->cfg, &p, &d);
	if (!rc)
		rc = auth_invite(a->st, &p, acct.id, (int64_t)time(NULL), token, &d);
	cli_actor(actor);
	if (!rc)
		rc = store_audit_add(a->st, actor, "user invite", acct.name, &d);
	if (rc) {
		r = fail(rc, &d);
		goto out;
	}
	printf("%s%sinvite?token=%s\n", base, base[strlen(base) - 1] == '/' ? "" : "/", token);
	log_info("one-time link for '%s', valid %lld hours", acct.name,
		 (long long)(p.invite_seconds / 3600));
out:
	store_account_free(&acct);
	return r;
}

int cmd_user(app *a, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(app *, int, char **);
	} subs[] = {{"add", user_add},
		    {"list", user_list},
		    {"disable", user_disable},
		    {"passwd", user_passwd},
		    {"invite", user_invite}};
	dti_diag d;
	dti_err rc = auth_init(&d);

	if (rc)
		return fail(rc, &d);
	for (size_t i = 0; argc > 1 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(a, argc - 1, argv + 1);
	return usage_error("name a subcommand: add, list, disable, passwd, invite");
}
