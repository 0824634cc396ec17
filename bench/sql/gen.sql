-- Bulk bench data over the demo district (bench/README.md "Big data").
-- Portable SQL for SQLite and PostgreSQL, run by tools/benchdb.c exec after
-- prelude_{sqlite,pg}.sql (the numbers 1..N in bench_n, BEGIN) and followed by
-- post_{sqlite,pg}.sql.  Values (NAME between at signs): NC concerns, NS suggestions, T0 the
-- first moment (2025-01-01T00:00+08:00), SPAN seconds from T0 to the end of
-- the period, NOW the moment "now" (statuses depend on age).
--
-- Deterministic: every "random" choice is r = (a * a) mod p with
-- a = (i * m) mod (2^31 - 1), a different m per choice, so both backends get
-- the same rows.  Ids ascend with time, as they do in a live database.
-- Statements end with ';' at the end of a line (benchdb splits there).

-- step: lookup tables
CREATE TEMP TABLE bench_st AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, street_id, community_id, lat, lon
  FROM stations;
CREATE INDEX bench_st_k ON bench_st (k);
CREATE TEMP TABLE bench_dep AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM deputies;
CREATE INDEX bench_dep_k ON bench_dep (k);
CREATE INDEX bench_dep_id ON bench_dep (id);
CREATE TEMP TABLE bench_unit AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM units;
CREATE INDEX bench_unit_k ON bench_unit (k);
CREATE TEMP TABLE bench_cnt AS
  SELECT (SELECT count(*) FROM bench_st) AS st, (SELECT count(*) FROM bench_dep) AS dep,
         (SELECT count(*) FROM bench_unit) AS unit,
         (SELECT min(id) FROM regions WHERE kind = 'street') AS street0;
CREATE TEMP TABLE bench_j AS SELECT i - 1 AS j FROM bench_n WHERE i <= 8;
-- 6 categories x 4 titles; k = category * 4 + variant
CREATE TEMP TABLE bench_title (k INTEGER PRIMARY KEY, category TEXT NOT NULL, title TEXT NOT NULL);
INSERT INTO bench_title (k, category, title) VALUES
  (0, '城市建设与管理', '小区路灯损坏无人维修'), (1, '城市建设与管理', '道路坑洼影响出行'),
  (2, '城市建设与管理', '老旧小区加装电梯进展缓慢'), (3, '城市建设与管理', '雨天积水排水不畅'),
  (4, '民生保障', '社区养老服务点不足'), (5, '民生保障', '幼儿园入园难'),
  (6, '民生保障', '医保报销流程繁琐'), (7, '民生保障', '菜市场价格偏高'),
  (8, '基层治理', '小区物业服务质量差'), (9, '基层治理', '楼道杂物堆放存在隐患'),
  (10, '基层治理', '业委会选举不规范'), (11, '基层治理', '违规群租扰民'),
  (12, '公共安全', '学校周边交通秩序混乱'), (13, '公共安全', '电动车楼道充电隐患'),
  (14, '公共安全', '夜间施工噪音扰民'), (15, '公共安全', '路口缺少信号灯'),
  (16, '营商环境', '企业办事审批时间长'), (17, '营商环境', '沿街商户停车难'),
  (18, '营商环境', '小微企业融资难'), (19, '营商环境', '市场监管检查过于频繁'),
  (20, '其他', '公园开放时间不合理'), (21, '其他', '公交线路调整不便'),
  (22, '其他', '社区文化活动场地不足'), (23, '其他', '垃圾分类投放点设置不合理');
CREATE TEMP TABLE bench_body (k INTEGER PRIMARY KEY, body TEXT NOT NULL);
INSERT INTO bench_body (k, body) VALUES
  (0, '附近居民反映这个问题已经持续了较长时间，多次向有关部门反映，至今未见明显改善，希望人大代表帮助协调解决。'),
  (1, '该问题影响周边群众的日常生活，特别是老年人和儿童出行很不方便，恳请有关部门尽快处理并给予答复。'),
  (2, '居民在代表接待日集中反映了这一情况，大家意见比较大，建议相关单位实地查看后拿出解决办法。'),
  (3, '情况已经向社区和物业反映过，对方表示需要上级部门协调，希望代表能够跟进督促落实。'),
  (4, '这个问题涉及多个部门，群众不清楚应该找谁，希望通过代表联络站转交相关部门研究解决。');

-- step: concerns
INSERT INTO concerns (id, tracking_code, title, body, category, station_id, street_id,
  community_id, address, lat, lon, contact_name, contact_phone, source, activity_id, status,
  merged_into, claimed_by, referred_to, suggestion_id, unit_id, result, reason, redirect, due_at,
  rating, raised_by, created_at, updated_at, responded_at, resolved_at, rated_at)
SELECT z.i,
  'BENCH' || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', CAST((z.i / 923521) % 31 + 1 AS INTEGER), 1)
          || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', CAST((z.i / 29791) % 31 + 1 AS INTEGER), 1)
          || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', CAST((z.i / 961) % 31 + 1 AS INTEGER), 1)
          || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', CAST((z.i / 31) % 31 + 1 AS INTEGER), 1)
          || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', CAST(z.i % 31 + 1 AS INTEGER), 1),
  t.title, t.title || '。' || b.body, t.category,
  CASE WHEN z.chan < 75 THEN s.id END,
  CASE WHEN z.chan < 95 THEN s.street_id END,
  CASE WHEN z.chan < 95 THEN s.community_id END,
  CASE WHEN z.chan >= 95 THEN '建设路' || CAST(z.r6 % 300 + 1 AS TEXT) || '号' ELSE '' END,
  CASE WHEN z.chan >= 75 AND z.chan < 95 THEN s.lat + (z.r6 % 2001 - 1000) * 0.00001 END,
  CASE WHEN z.chan >= 75 AND z.chan < 95 THEN s.lon + ((z.r6 / 2001) % 2001 - 1000) * 0.00001 END,
  CASE WHEN z.r5 % 100 < 70
       THEN substr('王李张刘陈杨黄赵周吴', CAST((z.r5 / 100) % 10 + 1 AS INTEGER), 1)
            || CASE WHEN z.r5 % 2 = 0 THEN '先生' ELSE '女士' END END,
  CASE WHEN z.r5 % 100 < 70 THEN CAST(13000000000 + z.r5 % 6999999999 AS TEXT) END,
  CASE WHEN z.chan >= 75 THEN 'online' WHEN (z.r3 / 100) % 100 < 50 THEN 'station'
       WHEN (z.r3 / 100) % 100 < 75 THEN 'reception' WHEN (z.r3 / 100) % 100 < 90 THEN 'activity'
       ELSE 'building' END,
  CASE WHEN z.chan < 75 AND (z.r3 / 100) % 100 >= 75 AND (z.r3 / 100) % 100 < 90
       THEN z.r3 % 500 + 1 END,
  z.status,
  CASE WHEN z.status = 'merged' THEN CASE WHEN z.i > 50 THEN z.i - 1 - z.r6 % 50 ELSE 1 END END,
  CASE WHEN z.status IN ('claimed', 'converted') THEN d.id END,
  CASE WHEN z.status = 'referred'
       THEN CASE WHEN z.chan < 95 THEN COALESCE(s.community_id, s.street_id) ELSE c.street0 END END,
  CASE WHEN z.status = 'converted' THEN z.r7 % @NS@ + 1 END,
  CASE WHEN z.unit = 1 THEN u.id END,
  CASE WHEN z.status IN ('resolved', 'resolved_on_site') THEN '已协调有关部门处理完毕，并向群众反馈。' END,
  CASE WHEN z.status = 'declined' THEN '所反映事项已进入诉讼程序，不属于代表联络站处理范围。' END,
  CASE WHEN z.status = 'declined' THEN '请通过诉讼途径继续主张权利' END,
  CASE WHEN z.unit = 1 THEN z.responded_at + 30 * 86400 END,
  z.rating, NULL, z.ts,
  COALESCE(z.rated_at, z.resolved_at, z.responded_at, z.ts),
  z.responded_at, z.resolved_at, z.rated_at
FROM (
  SELECT y.*,
    CASE WHEN y.rated = 1 THEN CASE WHEN (y.r8 / 10000) % 100 < 60 THEN 'satisfied'
         WHEN (y.r8 / 10000) % 100 < 85 THEN 'basically_satisfied' ELSE 'dissatisfied' END END
      AS rating,
    CASE WHEN y.rated = 1 THEN COALESCE(y.resolved_at, y.responded_at) + 2 * 86400 END AS rated_at
  FROM (
    SELECT x.*,
      CASE WHEN x.status <> 'new' THEN x.ts + 3600 * (2 + (x.r2 / 100) % 120) END AS responded_at,
      CASE WHEN x.status = 'resolved'
           THEN x.ts + 3600 * (2 + (x.r2 / 100) % 120) + 86400 * (1 + (x.r2 / 100000) % 30)
           WHEN x.status = 'resolved_on_site' AND x.unit = 0
           THEN x.ts + 3600 * (2 + (x.r2 / 100) % 120) END AS resolved_at,
      CASE WHEN (x.status IN ('resolved', 'declined')
                 OR (x.status = 'resolved_on_site' AND x.unit = 0))
                AND (x.r8 / 100) % 100 < 40 THEN 1 ELSE 0 END AS rated
    FROM (
      SELECT w.*,
        CASE WHEN (w.status = 'resolved_on_site' AND w.r8 % 100 < 30
                   AND @T0@ + (w.i - 1) * @SPAN@ / @NC@ > @NOW@ - 45 * 86400)
                  OR (w.status = 'resolved' AND w.r8 % 100 < 8) THEN 1 ELSE 0 END AS unit
      FROM (
        SELECT q.i, q.r1, q.r2, q.r3, q.r4, q.r5, q.r6, q.r7, q.r8,
          @T0@ + (q.i - 1) * @SPAN@ / @NC@ + q.r1 % (@SPAN@ / @NC@ + 1) AS ts,
          q.r3 % 100 AS chan,
          CASE WHEN @T0@ + (q.i - 1) * @SPAN@ / @NC@ > @NOW@ - 30 * 86400 THEN
            CASE WHEN q.r2 % 100 < 35 THEN 'new' WHEN q.r2 % 100 < 50 THEN 'accepted'
                 WHEN q.r2 % 100 < 58 THEN 'referred' WHEN q.r2 % 100 < 66 THEN 'claimed'
                 WHEN q.r2 % 100 < 68 THEN 'converted' WHEN q.r2 % 100 < 71 THEN 'declined'
                 WHEN q.r2 % 100 < 81 THEN 'resolved_on_site' WHEN q.r2 % 100 < 84 THEN 'merged'
                 ELSE 'resolved' END
          ELSE
            CASE WHEN q.r2 % 100 < 1 THEN 'new' WHEN q.r2 % 100 < 3 THEN 'accepted'
                 WHEN q.r2 % 100 < 5 THEN 'referred' WHEN q.r2 % 100 < 8 THEN 'claimed'
                 WHEN q.r2 % 100 < 11 THEN 'converted' WHEN q.r2 % 100 < 17 THEN 'declined'
                 WHEN q.r2 % 100 < 37 THEN 'resolved_on_site' WHEN q.r2 % 100 < 40 THEN 'merged'
                 ELSE 'resolved' END
          END AS status,
          CASE WHEN q.r4 % 100 < 35 THEN 0 WHEN q.r4 % 100 < 60 THEN 1 WHEN q.r4 % 100 < 75 THEN 2
               WHEN q.r4 % 100 < 85 THEN 3 WHEN q.r4 % 100 < 93 THEN 4 ELSE 5 END * 4
            + (q.r4 / 100) % 4 AS tk
        FROM (
          SELECT p.i,
            p.a1 * p.a1 % 2147483629 AS r1, p.a2 * p.a2 % 2147483629 AS r2,
            p.a3 * p.a3 % 2147483629 AS r3, p.a4 * p.a4 % 2147483629 AS r4,
            p.a5 * p.a5 % 2147483629 AS r5, p.a6 * p.a6 % 2147483629 AS r6,
            p.a7 * p.a7 % 2147483629 AS r7, p.a8 * p.a8 % 2147483629 AS r8
          FROM (
            SELECT i, i * 48271 % 2147483647 AS a1, i * 69621 % 2147483647 AS a2,
              i * 16807 % 2147483647 AS a3, i * 39373 % 2147483647 AS a4,
              i * 40692 % 2147483647 AS a5, i * 40014 % 2147483647 AS a6,
              i * 53668 % 2147483647 AS a7, i * 12211 % 2147483647 AS a8
            FROM bench_n WHERE i <= @NC@
          ) p
        ) q
      ) w
    ) x
  ) y
) z
CROSS JOIN bench_cnt c
JOIN bench_st s ON s.k = z.r6 % c.st
JOIN bench_dep d ON d.k = z.r7 % c.dep
JOIN bench_unit u ON u.k = z.r8 % c.unit
JOIN bench_title t ON t.k = z.tk
JOIN bench_body b ON b.k = z.r5 % 5
ORDER BY z.i;

-- step: concern timeline and claims
INSERT INTO concern_events (concern_id, at, action, actor_role, note, staff_note)
  SELECT id, created_at, 'create', 'resident',
    CASE source WHEN 'online' THEN '网上反映' WHEN 'station' THEN '在代表联络站反映'
      WHEN 'activity' THEN '在代表有约活动中反映' WHEN 'reception' THEN '在代表接待日反映'
      ELSE '在楼宇代表联络站反映' END, ''
  FROM concerns ORDER BY id;
INSERT INTO concern_events (concern_id, at, action, actor_role, note, staff_note)
  SELECT id, responded_at,
    CASE status WHEN 'declined' THEN 'decline' WHEN 'resolved_on_site' THEN 'resolve_on_site'
      WHEN 'referred' THEN 'refer' WHEN 'claimed' THEN 'claim' WHEN 'converted' THEN 'convert'
      WHEN 'merged' THEN 'merge' ELSE 'accept' END,
    CASE WHEN status IN ('claimed', 'converted') THEN 'deputy' ELSE 'street_staff' END,
    '已收到，正在处理', ''
  FROM concerns WHERE status <> 'new' ORDER BY id;
INSERT INTO concern_events (concern_id, at, action, actor_role, note, staff_note)
  SELECT id, resolved_at, 'resolve', 'street_staff', '已办结', '' FROM concerns
  WHERE status = 'resolved' AND resolved_at IS NOT NULL ORDER BY id;
INSERT INTO concern_claims (concern_id, deputy_id, claimed_at)
  SELECT id, claimed_by, responded_at FROM concerns WHERE claimed_by IS NOT NULL ORDER BY id;
INSERT INTO concern_claims (concern_id, deputy_id, claimed_at)
  SELECT cn.id, d2.id, cn.responded_at + 86400 FROM concerns cn
  CROSS JOIN bench_cnt c
  JOIN bench_dep d1 ON d1.id = cn.claimed_by
  JOIN bench_dep d2 ON d2.k = (d1.k + 1) % c.dep
  WHERE cn.claimed_by IS NOT NULL AND cn.id % 10 = 0 ORDER BY cn.id;

-- step: suggestions
INSERT INTO suggestions (id, title, body, category, author_id, status, is_key, key_leader_id,
  key_committee, published, published_at, hard_case, year, reason, submitted_at, accepted_at,
  assign_due_at, assigned_at, replied_at, closed_at, created_at, updated_at)
SELECT y.i, '关于' || t.title || '的建议',
  '近期在走访选民和代表联络站接待中了解到，' || t.title || '。' || b.body
    || '建议有关部门加强统筹协调，明确责任分工，制定具体措施，限期解决，并将办理情况向代表反馈。',
  t.category, d.id, y.status,
  CASE WHEN (y.r3 / 100) % 100 < 3 THEN 1 ELSE 0 END, NULL,
  CASE WHEN (y.r3 / 100) % 100 < 3 THEN '城建环保工委' END,
  y.published, CASE WHEN y.published = 1 THEN y.closed_or_replied + 10 * 86400 END,
  y.hard, CASE WHEN y.created_at < 1767196800 THEN 2025 ELSE 2026 END,
  CASE WHEN y.status = 'returned_as_letter' THEN '所提事项属于具体个案，转为来信处理。'
       WHEN y.status = 'withdrawn' THEN '领衔代表申请撤回。' END,
  y.submitted_at, y.accepted_at,
  CASE WHEN y.accepted_at IS NOT NULL THEN y.accepted_at + 9 * 86400 END,
  y.assigned_at, y.replied_at, y.closed_at, y.created_at,
  COALESCE(y.closed_at, y.replied_at, y.assigned_at, y.accepted_at, y.submitted_at, y.created_at)
FROM (
  SELECT x.*,
    CASE WHEN x.status = 'draft' THEN NULL ELSE x.ts END AS submitted_at,
    CASE WHEN x.status IN ('draft', 'submitted', 'withdrawn') THEN NULL
         ELSE x.ts + 3 * 86400 END AS accepted_at,
    CASE WHEN x.status IN ('assigned', 'in_handling', 'replied', 'evaluated', 'rehandling',
                           'following_up', 'closed') THEN x.ts + 10 * 86400 END AS assigned_at,
    CASE WHEN x.status IN ('replied', 'evaluated', 'rehandling', 'following_up', 'closed')
         THEN x.ts + 10 * 86400 + (20 + (x.i * 13) % 95) * 86400 END AS replied_at,
    CASE WHEN x.status = 'closed'
         THEN x.ts + 10 * 86400 + (20 + (x.i * 13) % 95) * 86400 + 40 * 86400 END AS closed_at,
    x.ts + 10 * 86400 + (20 + (x.i * 13) % 95) * 86400 AS closed_or_replied,
    CASE WHEN x.status IN ('evaluated', 'following_up', 'closed') AND x.r4 % 100 < 30
         THEN 1 ELSE 0 END AS published,
    CASE WHEN x.r3 % 100 < 5 THEN 1 ELSE 0 END AS hard,
    x.ts - 3600 * (1 + x.i % 20) AS created_at
  FROM (
    SELECT q.*,
      @T0@ + 86400 + (q.i - 1) * (@SPAN@ - 86400) / @NS@ + q.r1 % ((@SPAN@ - 86400) / @NS@ + 1) AS ts,
      CASE WHEN @T0@ + (q.i - 1) * @SPAN@ / @NS@ > @NOW@ - 60 * 86400 THEN
        CASE WHEN q.r2 % 100 < 8 THEN 'draft' WHEN q.r2 % 100 < 18 THEN 'submitted'
             WHEN q.r2 % 100 < 28 THEN 'accepted' WHEN q.r2 % 100 < 33 THEN 'returned_as_letter'
             WHEN q.r2 % 100 < 35 THEN 'withdrawn' WHEN q.r2 % 100 < 60 THEN 'assigned'
             WHEN q.r2 % 100 < 95 THEN 'in_handling' ELSE 'replied' END
      WHEN @T0@ + (q.i - 1) * @SPAN@ / @NS@ > @NOW@ - 180 * 86400 THEN
        CASE WHEN q.r2 % 100 < 2 THEN 'draft' WHEN q.r2 % 100 < 3 THEN 'submitted'
             WHEN q.r2 % 100 < 5 THEN 'accepted' WHEN q.r2 % 100 < 13 THEN 'returned_as_letter'
             WHEN q.r2 % 100 < 15 THEN 'withdrawn' WHEN q.r2 % 100 < 20 THEN 'assigned'
             WHEN q.r2 % 100 < 50 THEN 'in_handling' WHEN q.r2 % 100 < 75 THEN 'replied'
             WHEN q.r2 % 100 < 90 THEN 'evaluated' WHEN q.r2 % 100 < 95 THEN 'following_up'
             WHEN q.r2 % 100 < 97 THEN 'rehandling' ELSE 'closed' END
      ELSE
        CASE WHEN q.r2 % 100 < 2 THEN 'draft' WHEN q.r2 % 100 < 3 THEN 'submitted'
             WHEN q.r2 % 100 < 4 THEN 'accepted' WHEN q.r2 % 100 < 12 THEN 'returned_as_letter'
             WHEN q.r2 % 100 < 14 THEN 'withdrawn' WHEN q.r2 % 100 < 15 THEN 'assigned'
             WHEN q.r2 % 100 < 18 THEN 'in_handling' WHEN q.r2 % 100 < 23 THEN 'replied'
             WHEN q.r2 % 100 < 43 THEN 'evaluated' WHEN q.r2 % 100 < 53 THEN 'following_up'
             WHEN q.r2 % 100 < 55 THEN 'rehandling' ELSE 'closed' END
      END AS status,
      CASE WHEN q.r4 % 100 < 35 THEN 0 WHEN q.r4 % 100 < 60 THEN 1 WHEN q.r4 % 100 < 75 THEN 2
           WHEN q.r4 % 100 < 85 THEN 3 WHEN q.r4 % 100 < 93 THEN 4 ELSE 5 END * 4
        + (q.r4 / 100) % 4 AS tk
    FROM (
      SELECT p.i,
        p.a1 * p.a1 % 2147483629 AS r1, p.a2 * p.a2 % 2147483629 AS r2,
        p.a3 * p.a3 % 2147483629 AS r3, p.a4 * p.a4 % 2147483629 AS r4,
        p.a5 * p.a5 % 2147483629 AS r5
      FROM (
        SELECT i, i * 50021 % 2147483647 AS a1, i * 61417 % 2147483647 AS a2,
          i * 33893 % 2147483647 AS a3, i * 45757 % 2147483647 AS a4,
          i * 27449 % 2147483647 AS a5
        FROM bench_n WHERE i <= @NS@
      ) p
    ) q
  ) x
) y
CROSS JOIN bench_cnt c
JOIN bench_dep d ON d.k = y.r5 % c.dep
JOIN bench_title t ON t.k = y.tk
JOIN bench_body b ON b.k = y.r5 % 5
ORDER BY y.i;

-- step: signers, linked concerns
INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, withdraw_agreed)
  SELECT id, author_id, 'author', 0 FROM suggestions ORDER BY id;
INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, withdraw_agreed)
  SELECT s.id, d2.id, 'cosigner', CASE WHEN s.status = 'withdrawn' THEN 1 ELSE 0 END
  FROM suggestions s CROSS JOIN bench_cnt c
  JOIN bench_dep d1 ON d1.id = s.author_id
  JOIN bench_j j ON j.j BETWEEN 1 AND 3 AND j.j <= s.id % 4
  JOIN bench_dep d2 ON d2.k = (d1.k + j.j * 37) % c.dep
  ORDER BY s.id, j.j;
INSERT INTO suggestion_concerns (suggestion_id, concern_id)
  SELECT suggestion_id, id FROM concerns WHERE suggestion_id IS NOT NULL ORDER BY id;

-- step: assignments (lead, co, returned)
INSERT INTO assignments (id, suggestion_id, unit_id, role, status, active, assigned_at, due_at,
  due_provisional, return_reason, return_requested_at, extension_months, extension_status,
  extension_reason, co_opinion, co_opinion_at, co_opinion_due_at, reply_class, reply_text,
  replied_at)
SELECT s.id * 4 + j.j, s.id, u.id,
  CASE WHEN j.j IN (1, 2) THEN 'co' ELSE 'lead' END,
  CASE WHEN j.j = 3 THEN 'returned' WHEN s.status = 'assigned' THEN 'assigned'
       WHEN s.status = 'in_handling' THEN 'in_handling' ELSE 'replied' END,
  CASE WHEN j.j = 3 THEN 0 ELSE 1 END,
  s.assigned_at,
  s.assigned_at + CASE WHEN s.hard_case = 1 THEN 180 ELSE 90 END * 86400
    + CASE WHEN j.j = 0 AND s.id % 100 BETWEEN 60 AND 64 THEN (1 + s.id % 3) * 30 * 86400 ELSE 0 END,
  0,
  CASE WHEN j.j = 3 THEN '不属于本单位职责范围，申请退回。' END,
  CASE WHEN j.j = 3 THEN s.assigned_at + 3 * 86400 END,
  CASE WHEN j.j = 0 AND s.id % 100 BETWEEN 60 AND 64 THEN 1 + s.id % 3 ELSE 0 END,
  CASE WHEN j.j <> 0 THEN NULL WHEN s.id % 100 BETWEEN 60 AND 64 THEN 'approved'
       WHEN s.id % 100 = 65 THEN 'requested' WHEN s.id % 100 = 66 THEN 'refused' END,
  CASE WHEN j.j = 0 AND s.id % 100 BETWEEN 60 AND 66 THEN '涉及资金安排，需延期办理。' END,
  CASE WHEN j.j IN (1, 2) AND s.status <> 'assigned' THEN '同意主办单位意见，配合做好相关工作。' END,
  CASE WHEN j.j IN (1, 2) AND s.status <> 'assigned' THEN s.assigned_at + 20 * 86400 END,
  CASE WHEN j.j IN (1, 2) THEN s.assigned_at + 30 * 86400 END,
  CASE WHEN j.j = 0 AND s.replied_at IS NOT NULL THEN
    CASE WHEN (s.id / 7) % 100 < 55 THEN 'A' WHEN (s.id / 7) % 100 < 85 THEN 'B' ELSE 'C' END END,
  CASE WHEN j.j = 0 AND s.replied_at IS NOT NULL
       THEN '经研究，已会同有关部门制定整改方案并组织实施，具体情况如下。' END,
  CASE WHEN j.j = 0 THEN s.replied_at END
FROM suggestions s CROSS JOIN bench_cnt c
JOIN bench_j j ON j.j <= 3
JOIN bench_unit u ON u.k = ((s.id * 31 + s.author_id * 7) % c.unit
                            + CASE WHEN j.j = 3 THEN 5 ELSE j.j END) % c.unit
WHERE s.status IN ('assigned', 'in_handling', 'replied', 'evaluated', 'rehandling',
                   'following_up', 'closed')
  AND (j.j = 0 OR (j.j = 1 AND s.id % 100 < 50) OR (j.j = 2 AND s.id % 100 < 15)
       OR (j.j = 3 AND s.id % 100 >= 97))
ORDER BY s.id, j.j;

-- step: contacts, evaluations, follow-ups, ratings
INSERT INTO contacts (assignment_id, stage, mode, note, at)
  SELECT a.id, CASE WHEN j.j = 0 THEN 'during' ELSE 'before' END,
    CASE WHEN (a.id * 3 + j.j * 41) % 100 < 30 THEN 'visit'
         WHEN (a.id * 3 + j.j * 41) % 100 < 70 THEN 'phone'
         WHEN (a.id * 3 + j.j * 41) % 100 < 85 THEN 'meeting' ELSE 'online' END,
    '与领衔代表沟通办理情况', a.assigned_at + (j.j + 1) * 10 * 86400
  FROM assignments a JOIN bench_j j ON j.j <= 1
  WHERE a.role = 'lead' AND a.active = 1
    AND (a.status = 'replied' OR (a.status = 'in_handling' AND a.id % 8 < 4))
    AND (j.j = 0 OR a.id % 3 = 0)
  ORDER BY a.id, j.j;
INSERT INTO evaluations (suggestion_id, attitude, result, reason, at)
  SELECT id, 'basically_satisfied', 'dissatisfied', '问题尚未解决，要求重新办理。',
    replied_at + 10 * 86400
  FROM suggestions WHERE status = 'closed' AND id % 10 = 0 ORDER BY id;
INSERT INTO evaluations (suggestion_id, attitude, result, reason, at)
  SELECT id,
    CASE WHEN (id * 17) % 100 < 75 THEN 'satisfied' WHEN (id * 17) % 100 < 95
         THEN 'basically_satisfied' ELSE 'dissatisfied' END,
    CASE WHEN status = 'rehandling' THEN 'dissatisfied' WHEN (id * 29) % 100 < 60 THEN 'satisfied'
         WHEN (id * 29) % 100 < 88 THEN 'basically_satisfied' ELSE 'dissatisfied' END,
    '', replied_at + 15 * 86400 + CASE WHEN status = 'closed' AND id % 10 = 0 THEN 30 * 86400 ELSE 0 END
  FROM suggestions WHERE status IN ('evaluated', 'rehandling', 'following_up', 'closed')
  ORDER BY id;
INSERT INTO follow_ups (suggestion_id, note, done, at)
  SELECT id, '跟踪落实整改措施', CASE WHEN status = 'closed' THEN 1 ELSE 0 END,
    replied_at + 30 * 86400
  FROM suggestions WHERE status = 'following_up' OR (status = 'closed' AND id % 2 = 0) ORDER BY id;
INSERT INTO public_ratings (suggestion_id, rater, value, at)
  SELECT s.id, 'bench-' || CAST(s.id AS TEXT) || '-' || CAST(j.j AS TEXT),
    CASE WHEN (s.id + j.j * 7) % 100 < 65 THEN 'satisfied'
         WHEN (s.id + j.j * 7) % 100 < 88 THEN 'basically_satisfied' ELSE 'dissatisfied' END,
    s.published_at + (j.j + 1) * 86400
  FROM suggestions s JOIN bench_j j ON j.j < s.id % 6
  WHERE s.published = 1 ORDER BY s.id, j.j;

-- step: suggestion timeline
INSERT INTO suggestion_events (suggestion_id, at, action, actor_role, note)
  SELECT s.id,
    CASE j.j WHEN 0 THEN s.created_at WHEN 1 THEN s.submitted_at WHEN 2 THEN COALESCE(s.accepted_at, s.updated_at)
      WHEN 3 THEN s.assigned_at WHEN 4 THEN s.replied_at ELSE s.replied_at + 15 * 86400 END,
    CASE j.j WHEN 0 THEN 'create' WHEN 1 THEN 'submit'
      WHEN 2 THEN CASE s.status WHEN 'returned_as_letter' THEN 'return_as_letter'
                  WHEN 'withdrawn' THEN 'withdraw' ELSE 'accept' END
      WHEN 3 THEN 'assign' WHEN 4 THEN 'reply' ELSE 'evaluate' END,
    CASE WHEN j.j IN (0, 1, 5) THEN 'deputy' WHEN j.j = 4 THEN 'unit_staff' ELSE 'admin' END, ''
  FROM suggestions s JOIN bench_j j ON j.j <= 5
  WHERE j.j = 0
    OR (j.j = 1 AND s.status <> 'draft')
    OR (j.j = 2 AND s.status NOT IN ('draft', 'submitted'))
    OR (j.j = 3 AND s.assigned_at IS NOT NULL)
    OR (j.j = 4 AND s.replied_at IS NOT NULL)
    OR (j.j = 5 AND s.status IN ('evaluated', 'rehandling', 'following_up', 'closed'))
  ORDER BY s.id, j.j;

-- step: commit
COMMIT;
