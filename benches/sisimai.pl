#!/usr/bin/perl
# Diagnose the same bounce files with Sisimai, ROUNDS times, and print the
# time per email and the number of results, for comparison with bounce-doctor.
# usage: perl benches/sisimai.pl ROUNDS FILE...
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

my $rounds = shift @ARGV || 1;
my @files  = @ARGV;
my $count  = 0;
my $start  = time;
for (1 .. $rounds) {
    for my $f (@files) {
        my $v = Sisimai->make($f) // [];
        $count += scalar @$v;
    }
}
my $elapsed = time - $start;
my $per = $elapsed / ($rounds * (scalar @files || 1));
printf "sisimai %.6f s/email results=%d\n", $per, $count;
