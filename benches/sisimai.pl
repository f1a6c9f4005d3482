#!/usr/bin/perl
# Diagnose the same bounce files with Sisimai, the same way benches/diagnose.rs
# measures bounce-doctor: one untimed warm-up pass (Sisimai loads its MTA
# modules on first use), then ROUNDS timed passes, each reading every file
# from disk. Prints wall and CPU (user+system) time per email, and the number
# of results per pass.
# usage: perl benches/sisimai.pl ROUNDS FILE...
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

my $rounds = shift @ARGV || 1;
my @files  = @ARGV;
my $emails = $rounds * (scalar @files || 1);
for my $f (@files) {
    my $v = Sisimai->make($f);
}
my $count = 0;
my @cpu0  = times;
my $start = time;
for (1 .. $rounds) {
    for my $f (@files) {
        my $v = Sisimai->make($f) // [];
        $count += scalar @$v;
    }
}
my $wall = time - $start;
my @cpu1 = times;
my $cpu  = ($cpu1[0] - $cpu0[0]) + ($cpu1[1] - $cpu0[1]);
printf "sisimai %.6f s/email wall, %.6f s/email cpu, results=%d per pass\n",
    $wall / $emails, $cpu / $emails, $count / $rounds;
