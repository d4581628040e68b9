#!/usr/bin/env python3
"""Where a process's CPU went, by component, from a dotnet-trace sampled-thread-time profile converted to speedscope.

  python3 bench/cpu-split.py trace.speedscope.json [--top]

The benches write such profiles with BENCH_TRACE=<dir> (StreamBench, McpBench, ImportBench). Each CPU sample goes to the
innermost frame that belongs to a known component; runtime and BCL frames go to their nearest caller that does, and
samples inside a GC suspension count as GC. Stacks blocked in native waits (the finalizer thread, the epoll loop, the
thread pool's semaphore, timers) are dropped: that profiler marks a thread blocked in native code as running.
--top also lists the 40 frames with the most inclusive CPU.
"""
import collections
import json
import sys

WAITS = ('GC.RunFinalizers', 'SocketAsyncEngine.EventLoop', 'LowLevelLifoSemaphore', 'TimerQueue.TimerThread',
         'WaitHandle.WaitOne', 'Monitor.Wait', 'ManualResetEventSlim.Wait', 'GateThread', 'Heartbeat.TimerLoop',
         'ConsoleLoggerProcessor')
RULES = [('Npgsql', 'database (Npgsql)'), ('Microsoft.EntityFrameworkCore', 'database (EF Core)'),
         ('ModelContextProtocol', 'MCP SDK'), ('Microsoft.Extensions.AI', 'MCP SDK tool binding (M.E.AI)'),
         ('System.Text.Json', 'JSON'), ('Microsoft.AspNetCore.Server.Kestrel', 'HTTP server (Kestrel)'),
         ('System.Net.Sockets', 'sockets (send/receive syscalls)'), ('Microsoft.AspNetCore.Authentication', 'auth'),
         ('Microsoft.AspNetCore.Authorization', 'auth'), ('Microsoft.AspNetCore', 'ASP.NET Core pipeline'),
         ('Microsoft.Extensions.DependencyInjection', 'DI'), ('Microsoft.Extensions.Logging', 'logging'),
         ('System.IO.Pipelines', 'pipes'), ('System.Net.Http', 'HTTP client'), ('System.IO.RandomAccess', 'file reads'),
         ('System.Security.Cryptography', 'hashing/crypto'), ('Hub.', 'Hub code')]


def main(path, top):
    d = json.load(open(path))
    frames = [f['name'] for f in d['shared']['frames']]
    cpu = frames.index('CPU_TIME')
    split, inclusive = collections.Counter(), collections.Counter()
    total = dropped = 0.0
    for profile in d['profiles']:
        stack, last = [], None
        for e in profile['events']:
            t = e['at']
            if last is not None and stack and cpu in stack:
                names = [frames[f] for f in stack]
                dt = t - last
                if any(w in n for n in names for w in WAITS):
                    dropped += dt
                else:
                    total += dt
                    for n in set(names):
                        inclusive[n] += dt
                    component = 'runtime/BCL/other'
                    if any('PollGC' in n for n in names):
                        component = 'GC (threads stopped for a collection)'
                    else:
                        for n in reversed(names):
                            module, fn = n.split('!')[0], n.split('!')[-1]
                            hit = [label for prefix, label in RULES if fn.startswith(prefix) or module.startswith(prefix)]
                            if hit:
                                component = hit[0]
                                break
                    split[component] += dt
            last = t
            if e['type'] == 'O':
                stack.append(e['frame'])
            elif stack:
                stack.pop()
    print(f'CPU samples {total / 1000:.1f} s (native waits dropped: {dropped / 1000:.1f} s)')
    for k, v in split.most_common():
        print(f'{100 * v / total:5.1f}%  {k}')
    if top:
        print()
        skip = ('Thread (', 'Process64', '(Non-Activities)', 'Threads', 'CPU_TIME')
        shown = 0
        for k, v in inclusive.most_common():
            if k.startswith(skip):
                continue
            print(f'{100 * v / total:5.1f}%  {k[:160]}')
            shown += 1
            if shown == 40:
                break


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], '--top' in sys.argv[2:])
