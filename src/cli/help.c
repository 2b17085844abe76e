// SPDX-License-Identifier: BSD-2-Clause
/*
 * --help and the man page's OPTIONS section, written from the option
 * table (options.c) and the command list below: the commands' prose is
 * here, each option's in the table.
 */
#include <string.h>

#include "cli/options-int.h"

#define HELP_COL 24 /* where help text starts */

struct sw_command_help {
	unsigned cmd; /* enum sw_cmd; 0: takes no options */
	const char *left; /* the command and its arguments */
	const char *help;
};

static const struct sw_command_help commands[] = {
	{ SW_CMD_FLOWS, "flows FILE...",
	  "write one NDJSON flow record per flow (ECS fields:\n"
	  "client as source, server as destination, unique\n"
	  "payload bytes each way, request turns, and the\n"
	  "fingerprints seen: JA3/JA4 of TLS and QUIC\n"
	  "ClientHellos, HTTP/1.x request fields, p0f-format\n"
	  "SYN signatures)" },
	{ SW_CMD_REPLAY, "replay FILE...",
	  "run the detector over captures; writes one NDJSON\n"
	  "alert record per alert event (event.action start,\n"
	  "update, end; scores with their reasons) and a\n"
	  "final scrapewatch.stats record" },
	{ SW_CMD_EVAL, "eval --labels LABELS.csv FILE...",
	  "score detection against labels (CSV with columns\n"
	  "client_ip,label[,tool,...]; label scraper or\n"
	  "benign): per-client verdicts, precision, recall,\n"
	  "time to detect; --json for the same as JSON" },
	{ SW_CMD_LIVE, "live --capture xdp|pcap|dpdk|afxdp ...",
	  "xdp: account in the kernel with the XDP program\n"
	  "on each interface; pcap: libpcap live capture\n"
	  "(--interface repeatable, up to 16); dpdk, afxdp:\n"
	  "a DPDK port or AF_XDP sockets (a mirror or TAP\n"
	  "port); the capture is live.capture of the --config\n"
	  "file unless --capture says; runs the detector and\n"
	  "writes alerts (and with --flows, flow records)\n"
	  "until SIGINT/SIGTERM, then the stats record; SIGHUP\n"
	  "reloads the --config file (thresholds, rules,\n"
	  "exemptions, services, outputs) keeping state;\n"
	  "a bad file is rejected and the old one stays" },
	{ 0, "check-config FILE",
	  "validate a YAML config file without running:\n"
	  "prints \"FILE: OK\" and a summary, or the first\n"
	  "error as FILE:LINE: KEY: what was expected" },
	{ 0, "help", "this text" },
	{ 0, "version", "print the version" },
};

static const char intro[] =
	"Catch bulk scrapers from their traffic. Captures are pcap or pcapng\n"
	"files, read in order as one timeline; '-' reads standard input.\n";

static const char exit_status[] =
	"Exit status: 0 success; 1 an input was cut short or corrupt (everything\n"
	"readable was processed, the file and offset are on stderr), or a sink\n"
	"could not deliver every record (stderr says how many, the stats record\n"
	"why; a closed stdout is not counted); 2 bad usage, a bad config,\n"
	"unreadable input or a failed setup.\n";

static const char examples[] =
	"Examples:\n"
	"  scrapewatch flows capture.pcap | jq .destination.bytes\n"
	"  tcpdump -i eth0 -w - | scrapewatch flows -\n"
	"  scrapewatch replay day1.pcapng day2.pcapng\n"
	"  scrapewatch check-config /etc/scrapewatch/scrapewatch.yaml\n"
	"  scrapewatch replay --config site.yaml --max-flows 1000000 day1.pcap\n"
	"  scrapewatch replay capture.pcap | jq 'select(.event.kind==\"alert\")'\n"
	"  scrapewatch eval --labels labels.csv corpus.pcap\n"
	"  scrapewatch flows --capture dpdk --dpdk-args \\\n"
	"      \"--no-huge --no-pci --vdev net_pcap0,rx_pcap=capture.pcap\"\n"
	"  scrapewatch live --capture dpdk --workers 2 --dpdk-args \\\n"
	"      \"--no-huge --no-pci --vdev net_af_packet0,iface=eth1\"\n"
	"  scrapewatch live --capture afxdp --interface eth1\n"
	"\n"
	"Documentation: README.md and docs/ in the source tree.\n";

/* The lines of text, each but the first indented by indent. */
static void print_lines(FILE *out, int indent, const char *p)
{
	const char *nl;

	for (;;) {
		nl = strchr(p, '\n');
		fprintf(out, "%.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
		fprintf(out, "%*s", indent, "");
	}
}

/* "  LEFT  first line" then the other lines under the first. */
static void print_item(FILE *out, const char *left, const char *help)
{
	int w = fprintf(out, "  %s", left);

	if (w + 2 > HELP_COL + 4) {
		fputc('\n', out);
		w = 0;
	}
	fprintf(out, "%*s", (w + 2 > HELP_COL ? 2 : HELP_COL - w), "");
	print_lines(out, HELP_COL, help);
}

static void print_option(FILE *out, const struct sw_option *o)
{
	char left[64], letter[8] = "    ";

	if (o->letter)
		snprintf(letter, sizeof(letter), "-%c, ", o->letter);
	snprintf(left, sizeof(left), "%s--%s%s%s", letter, o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "");
	print_item(out, left, o->help);
}

/* The live options that also belong to the other commands, by name. */
static void print_shared(FILE *out)
{
	const struct sw_option *o;
	int col = 0, w;

	for (o = sw_options; o->name; o++) {
		if (!(o->cmds & SW_CMD_LIVE) || o->cmds == SW_CMD_LIVE ||
		    o->letter == 'h')
			continue;
		w = (int)strlen(o->name) + 4;
		if (!col) {
			col = fprintf(out, "  as above:");
		} else if (col + w > 78) {
			fprintf(out, ",\n");
			col = fprintf(out, " ");
		} else {
			col += fprintf(out, ",");
		}
		col += fprintf(out, " --%s", o->name);
	}
	fprintf(out, "\n");
}

static void usage_all(FILE *out)
{
	const struct sw_option *o;
	size_t i;

	fprintf(out,
		"Usage: scrapewatch COMMAND [OPTIONS] [FILE...]\n\n%s\n"
		"Commands:\n",
		intro);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		print_item(out, commands[i].left, commands[i].help);
	fprintf(out, "\nOptions for flows, replay, eval and live:\n");
	for (o = sw_options; o->name; o++)
		if (o->cmds & (SW_CMD_FLOWS | SW_CMD_REPLAY | SW_CMD_EVAL))
			print_option(out, o);
	fprintf(out, "\nOptions for live:\n");
	for (o = sw_options; o->name; o++)
		if (o->cmds == SW_CMD_LIVE)
			print_option(out, o);
	print_shared(out);
	fprintf(out, "\n%s\n%s", exit_status, examples);
}

void sw_cli_usage(FILE *out, unsigned cmd)
{
	const struct sw_option *o;
	const char *sp;
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (cmd && commands[i].cmd == cmd)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		usage_all(out);
		return;
	}
	/* "Usage: scrapewatch live [OPTIONS] --capture ...": the options
	 * after the command's name. */
	sp = strchr(commands[i].left, ' ');
	fprintf(out, "Usage: scrapewatch %.*s [OPTIONS]%s\n\n",
		sp ? (int)(sp - commands[i].left) :
		     (int)strlen(commands[i].left),
		commands[i].left, sp ? sp : "");
	fprintf(out, "  ");
	print_lines(out, 2, commands[i].help);
	fprintf(out, "\nOptions:\n");
	for (o = sw_options; o->name; o++)
		if (o->cmds & cmd)
			print_option(out, o);
	fprintf(out, "\n%s", exit_status);
}

/* One line of text for roff: backslashes and dashes escaped, a leading
 * control character defused. */
static void roff_line(FILE *out, const char *s, size_t n)
{
	size_t i;

	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", out);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
	fputc('\n', out);
}

/* The help lines as roff: indented list items on lines of their own. */
static void roff_text(FILE *out, const char *p)
{
	const char *nl;
	size_t n;
	int item = 0, was_item;

	for (;;) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		was_item = item;
		item = n > 2 && p[0] == ' ' && p[1] == ' ';
		if (item || was_item)
			fputs(".br\n", out);
		if (item) {
			p += 2;
			n -= 2;
		}
		roff_line(out, p, n);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* A name or an argument in a roff line: dashes escaped. */
static void roff_word(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

void sw_cli_man_options(FILE *out)
{
	static const char *const names[] = { "flows", "replay", "eval",
					     "live" };
	const struct sw_option *o;
	unsigned k;
	int first;

	for (o = sw_options; o->name; o++) {
		fputs(".TP\n", out);
		if (o->letter)
			fprintf(out, "\\fB\\-%c\\fR, ", o->letter);
		fputs("\\fB\\-\\-", out);
		roff_word(out, o->name);
		fputs("\\fR", out);
		if (o->arg) {
			fputs(" \\fI", out);
			roff_word(out, o->arg);
			fputs("\\fR", out);
		}
		fputs("\n", out);
		roff_text(out, o->help);
		/* Which commands take it. */
		fputs(".br\nCommands: ", out);
		for (k = 0, first = 1; k < 4; k++) {
			if (!(o->cmds & (1u << k)))
				continue;
			fprintf(out, "%s%s", first ? "" : ", ", names[k]);
			first = 0;
		}
		fputs(".\n", out);
	}
}
