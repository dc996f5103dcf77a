// The judge's reading of a crontab, as Vixie cron / cronie read one: five fields or a macro, then
// the command; lists, ranges, steps and names; day of month and day of week ORed when both are
// restricted. It prints the fire times of the entries running one command over a period, so
// any expression cron treats the same passes, and a crontab cron would refuse fails every case.

/**
 * The check's program: `python3 -c CRON_TIMES CRONTAB CASE OUTPUT`, where CASE holds the
 * command paths (words of the entries' commands, space-separated), the period's first day
 * (YYYY-MM-DD) and its length in days, one a line. OUTPUT gets a line per command: how often and
 * when it runs, with a digest of every time.
 */
export const CRON_TIMES = String.raw`import hashlib, re, sys
from datetime import date, timedelta

crontab, case, out = sys.argv[1:4]
commands, first, days = open(case).read().split('\n')[:3]
start = date.fromisoformat(first)
MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
MACROS = {'@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
          '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *'}
BOUNDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def number(text, field):
    t = text.lower()
    if field == 3 and t in MONTHS:
        return MONTHS.index(t) + 1
    if field == 4 and t in DAYS:
        return DAYS.index(t)
    if not t.isdigit():
        raise ValueError(text)
    return int(t)


def values(text, field):
    lo, hi = BOUNDS[field]
    found = set()
    for item in text.split(','):
        span, slash, step = item.partition('/')
        if slash and not (step.isdigit() and int(step) > 0):
            raise ValueError(item)
        every = int(step) if slash else 1
        if span == '*':
            a, b = lo, hi
        elif '-' in span:
            a, b = (number(x, field) for x in span.split('-', 1))
        else:
            a = number(span, field)
            b = hi if slash else a
        if not lo <= a <= b <= hi:
            raise ValueError(item)
        found.update(range(a, b + 1, every))
    if field == 4 and 7 in found:
        found.discard(7)
        found.add(0)
    return found


def entry(line):
    if line.startswith('@'):
        macro, rest = (line.split(None, 1) + [''])[:2]
        if macro == '@reboot':
            return None, rest.strip()
        fields, cmd = MACROS[macro].split(), rest.strip()
    else:
        parts = line.split(None, 5)
        if len(parts) < 6:
            raise ValueError(line)
        fields, cmd = parts[:5], parts[5]
    if not cmd:
        raise ValueError(line)
    return ([values(f, i) for i, f in enumerate(fields)], fields[2].startswith('*'), fields[4].startswith('*')), cmd


def runs_on(spec, day):
    sets, any_dom, any_dow = spec
    if day.month not in sets[3]:
        return False
    dom, dow = day.day in sets[2], day.isoweekday() % 7 in sets[4]
    return dom and dow if any_dom or any_dow else dom or dow


def summary(entries, command):
    mine = [spec for spec, cmd in entries if command in cmd.split()]
    if not mine:
        return 'no entry runs ' + command
    times = []
    for d in range(int(days)):
        day = start + timedelta(days=d)
        minutes = set()
        for spec in mine:
            if spec is not None and runs_on(spec, day):
                minutes.update(h * 60 + m for h in spec[0][1] for m in spec[0][0])
        times.extend('%s %02d:%02d' % (day, t // 60, t % 60) for t in sorted(minutes))
    if not times:
        return command + ' never runs from ' + first
    digest = hashlib.sha256('\n'.join(times).encode()).hexdigest()[:16]
    return '%s runs %d times from %s: first %s, last %s, digest %s' % (command, len(times), first, times[0], times[-1], digest)


def main():
    entries = []
    for n, raw in enumerate(open(crontab).read().split('\n'), 1):
        line = raw.strip()
        if not line or line.startswith('#') or re.match(r'[A-Za-z_][A-Za-z0-9_]*\s*=', line):
            continue
        try:
            entries.append(entry(line))
        except (ValueError, KeyError):
            return 'cron would refuse this crontab: line %d: %s' % (n, line)
    return '\n'.join(summary(entries, command) for command in commands.split())


open(out, 'w').write(main() + '\n')
`;
