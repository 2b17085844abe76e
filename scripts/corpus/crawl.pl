#!/usr/bin/perl
# SPDX-License-Identifier: BSD-2-Clause
#
# The corpus's Perl crawler (scraper, "wide" profile): libwww-perl's
# LWP::UserAgent with its own User-Agent, keep-alive, one request at a
# time GAP_MIN..GAP_MAX ms apart, breadth-first over every same-site link
# under PREFIX. TLS certificates are not checked (self-signed server).
#
# Usage: crawl.pl START PREFIX GAP_MIN_MS GAP_MAX_MS SEED
use strict;
use warnings;
use LWP::UserAgent;
use URI;
use Time::HiRes qw(sleep);

my ($start, $prefix, $gmin, $gmax, $seed) = @ARGV;
die "usage: crawl.pl START PREFIX GAP_MIN_MS GAP_MAX_MS SEED\n"
	unless defined $seed;
srand($seed);
my $ua = LWP::UserAgent->new(
	keep_alive => 4,
	timeout    => 30,
	ssl_opts   => { verify_hostname => 0, SSL_verify_mode => 0 },
);
$ua->env_proxy(0);
my $base = URI->new($start);
my @queue = ($base->as_string);
my %seen = ($base->as_string => 1);
my $n = 0;
while (@queue) {
	my $u = shift @queue;
	my $r = $ua->get($u);
	$n++;
	if ($r->is_success && ($r->content_type // '') eq 'text/html') {
		for my $h ($r->decoded_content =~ /href="([^"#]+)"/g) {
			my $l = URI->new_abs($h, $u);
			next unless $l->can('host') && $l->host eq $base->host;
			next unless index($l->path, $prefix) == 0;
			my $s = $l->as_string;
			next if $seen{$s}++;
			push @queue, $s;
		}
	}
	sleep(($gmin + rand($gmax - $gmin)) / 1000);
}
print "crawl.pl: $n requests\n";
