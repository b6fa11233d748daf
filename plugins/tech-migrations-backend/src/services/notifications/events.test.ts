import { dueEvents, notificationFor } from './events';

describe('dueEvents', () => {
  const migration = {
    startDate: '2026-03-01',
    targetDate: '2026-06-30',
    daysBeforeDeadline: 14,
  };

  it.each([
    ['before the start', '2026-02-28', []],
    ['on the start date', '2026-03-01', ['started 2026-03-01']],
    ['15 days before the target', '2026-06-15', ['started 2026-03-01']],
    [
      '14 days before the target',
      '2026-06-16',
      ['started 2026-03-01', 'deadline 2026-06-30'],
    ],
    [
      'on the target date',
      '2026-06-30',
      ['started 2026-03-01', 'deadline 2026-06-30'],
    ],
    [
      'the day after the target',
      '2026-07-01',
      ['started 2026-03-01', 'deadline 2026-06-30', 'overdue 2026-06-30'],
    ],
  ])('%s (%s): %j', (_when, today, expected) => {
    expect(
      dueEvents({ ...migration, today }).map(e => `${e.event} ${e.eventDate}`),
    ).toEqual(expected);
  });

  it('with 0 days before the deadline reminds on the target day only', () => {
    const due = (today: string) =>
      dueEvents({ ...migration, daysBeforeDeadline: 0, today }).map(
        e => e.event,
      );
    expect(due('2026-06-29')).toEqual(['started']);
    expect(due('2026-06-30')).toEqual(['started', 'deadline']);
  });
});

describe('notificationFor', () => {
  const remaining = Array.from(
    { length: 23 },
    (_, i) => `component:default/svc-${String(i).padStart(2, '0')}`,
  );

  it('tells the team, links the migration, lists count and names, and scopes per migration, event, date and team', () => {
    const n = notificationFor({
      key: {
        migrationId: 'node-22',
        teamRef: 'group:default/checkout-squad',
        event: 'deadline',
        eventDate: '2026-06-30',
      },
      migrationTitle: 'Node 22',
      teamTitle: 'Checkout squad',
      remaining: [...remaining.slice(0, 22), 'api:payments/charges'],
      today: '2026-06-25',
    });
    expect(n.recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/checkout-squad',
    });
    expect(n.payload).toMatchObject({
      title: 'Node 22 is due in 5 days',
      link: '/tech-migrations/node-22',
      severity: 'high',
      topic: 'tech-migrations',
      scope:
        'tech-migrations:node-22:deadline:2026-06-30:group:default/checkout-squad',
      metadata: { remaining: 23, event: 'deadline', eventDate: '2026-06-30' },
    });
    expect(n.payload.description).toBe(
      `Checkout squad has 23 entities to migrate: ${remaining
        .slice(0, 20)
        .map(r => r.replace('component:default/', ''))
        .join(', ')} and 3 more. Target date 2026-06-30.`,
    );
    expect((n.payload.metadata as any).entities).toHaveLength(23);
  });

  it.each([
    ['started', '2026-03-01', 'Migration started: Node 22', 'normal'],
    ['deadline', '2026-06-25', 'Node 22 is due today', 'high'],
    ['overdue', '2026-06-25', 'Node 22 is overdue', 'critical'],
  ] as const)('%s: %s', (event, eventDate, title, severity) => {
    const n = notificationFor({
      key: {
        migrationId: 'node-22',
        teamRef: 'user:default/ann',
        event,
        eventDate,
      },
      migrationTitle: 'Node 22',
      teamTitle: 'Ann',
      remaining: ['component:default/one'],
      today: '2026-06-25',
    });
    expect(n.payload.title).toBe(title);
    expect(n.payload.severity).toBe(severity);
    expect(n.payload.description).toMatch(
      /^Ann has 1 entity to migrate: one\./,
    );
  });
});
