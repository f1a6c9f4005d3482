#!/usr/bin/perl
# Diagnose the same bounce files with Sisimai, the same way benches/diagnose.rs
# measures bounce-doctor: one untimed warm-up pass (Sisimai loads its MTA
# modules on first use), then ROUNDS timed passes, each reading every file
# from disk. Prints wall and CPU (user+system) time of each pass, and the
# number of results per pass.
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
# Each pass is timed on its own ("pass WALL CPU" in seconds), so that the
# caller can take the median as it does for its own passes.
my $count = 0;
for (1 .. $rounds) {
    my @cpu0  = times;
    my $start = time;
    for my $f (@files) {
        my $v = Sisimai->make($f) // [];
        $count += scalar @$v;
    }
    my $wall = time - $start;
    my @cpu1 = times;
    printf "pass %.6f %.6f\n", $wall,
        ($cpu1[0] - $cpu0[0]) + ($cpu1[1] - $cpu0[1]);
}
printf "sisimai results=%d per pass\n", $count / $rounds;
