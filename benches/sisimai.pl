#!/usr/bin/perl
# Diagnose the same bounce files with Sisimai, the same way benches/diagnose.rs
# measures bounce-doctor: one untimed warm-up pass (Sisimai loads its MTA
# modules on first use), then timed passes, each reading every file from
# disk. Prints wall and CPU (user+system) time of each pass, and the number
# of results per pass.
# usage: perl benches/sisimai.pl ROUNDS FILE...
#        perl benches/sisimai.pl --paired FILE...
# With --paired it prints "ready" after the warm-up pass and then makes one
# timed pass for each line it reads on standard input, until end of input,
# so that the caller can take turns with it.
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

$| = 1;
my $paired = @ARGV && $ARGV[0] eq '--paired';
shift @ARGV if $paired;
my $rounds = $paired ? 0 : (shift @ARGV || 1);
my @files  = @ARGV;
for my $f (@files) {
    my $v = Sisimai->make($f);
}
print "ready\n" if $paired;

# One timed pass ("pass WALL CPU" in seconds); returns the number of results.
sub pass {
    my $count = 0;
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
    return $count;
}

my ($count, $passes) = (0, 0);
if ($paired) {
    while (my $go = <STDIN>) {
        $count += pass();
        $passes++;
    }
} else {
    for (1 .. $rounds) {
        $count += pass();
        $passes++;
    }
}
printf "sisimai results=%d per pass\n", $passes ? $count / $passes : 0;
