/** Privacy and spend: private chats, the offline switch, the trail under answers, budgets. */
export const en = {
  'privacy.private': 'Private',
  'privacy.privateTitle': 'Private: this conversation never leaves this machine',
  'privacy.privateBadge': 'Private — never leaves this machine',
  'privacy.offlineBadge': 'Offline — nothing leaves this machine',
  'privacy.stayed': 'Stayed on this machine',
  'privacy.sentTo': 'Sent to {{hosts}}',
  'privacy.mayForward': '{{host}} (a local server that may forward it)',
  'privacy.trailDetails': 'Where it went',
  'privacy.attemptHost': '{{model}} → {{host}}',
  'privacy.region': 'region {{region}}',
  'privacy.keySent': 'API key sent',
  'privacy.noKey': 'no key sent',
  'privacy.sectionTitle': 'Privacy and spend',
  'privacy.offline': 'Offline',
  'privacy.offlineHint':
    'Every chat stays on this machine: hosted routes and local proxies that may forward are skipped.',
  'privacy.fastestLocal': 'Fastest local model first',
  'privacy.fastestLocalHint':
    'Order the local routes by their measured time to first token (off: the order in the config).',
  'privacy.staysLocal': 'Stays on this machine',
  'privacy.staysLocalHint':
    'Local proxies and gateways may forward to the internet; mark those you know do not, to use them in private chats.',
  'privacy.budgets': 'Budgets (US dollars)',
  'privacy.budgetsHint':
    'Over a budget, its routes are skipped until the next day or month; at 80 % a warning shows. Not written to the OpenClaw file.',
  'privacy.overall': 'All providers',
  'privacy.perProvider': 'Per provider',
  'privacy.daily': 'Per day',
  'privacy.warnProviderDay':
    "{{percent}} % of {{provider}}'s daily budget is used ({{spent}} of {{limit}})",
  'privacy.warnProviderMonth':
    "{{percent}} % of {{provider}}'s monthly budget is used ({{spent}} of {{limit}})",
  'privacy.warnOverallDay':
    '{{percent}} % of the overall daily budget is used ({{spent}} of {{limit}})',
  'privacy.warnOverallMonth':
    '{{percent}} % of the overall monthly budget is used ({{spent}} of {{limit}})',
  'privacy.monthly': 'Per month',
  'privacy.noLimit': 'no limit',
  'privacy.spendTitle': 'Spend',
  'privacy.spendToday': 'Today',
  'privacy.spendMonth': 'This month',
  'privacy.spendUnknown_one': '{{count}} answer with unknown price (not counted)',
  'privacy.spendUnknown_other': '{{count}} answers with unknown price (not counted)',
  'privacy.standingWarning': '80 % of the budget used',
  'privacy.standingOver': 'Over budget: its routes are skipped',
  'privacy.spendNone': 'Nothing spent yet this month.',
  'privacy.spendSettings': 'Set budgets',
  'privacy.filterLeft': 'Only answers that left this machine',
};

export const ko: Record<keyof typeof en, string> = {
  'privacy.private': '비공개',
  'privacy.privateTitle': '비공개: 이 대화는 이 컴퓨터를 벗어나지 않습니다',
  'privacy.privateBadge': '비공개 — 이 컴퓨터를 벗어나지 않음',
  'privacy.offlineBadge': '오프라인 — 아무것도 이 컴퓨터를 벗어나지 않음',
  'privacy.stayed': '이 컴퓨터 안에서 처리됨',
  'privacy.sentTo': '{{hosts}}(으)로 전송됨',
  'privacy.mayForward': '{{host}} (외부로 전달할 수 있는 로컬 서버)',
  'privacy.trailDetails': '전송 경로',
  'privacy.attemptHost': '{{model}} → {{host}}',
  'privacy.region': '리전 {{region}}',
  'privacy.keySent': 'API 키 전송됨',
  'privacy.noKey': '키 전송 안 함',
  'privacy.sectionTitle': '개인정보와 비용',
  'privacy.offline': '오프라인',
  'privacy.offlineHint':
    '모든 대화가 이 컴퓨터 안에서만 처리됩니다. 호스팅 경로와 외부로 전달할 수 있는 로컬 프록시는 건너뜁니다.',
  'privacy.fastestLocal': '가장 빠른 로컬 모델 먼저',
  'privacy.fastestLocalHint':
    '측정된 첫 토큰까지의 시간 순으로 로컬 경로를 정렬합니다 (끄면 구성 파일의 순서).',
  'privacy.staysLocal': '이 컴퓨터 안에서만 처리',
  'privacy.staysLocalHint':
    '로컬 프록시와 게이트웨이는 인터넷으로 전달할 수 있습니다. 전달하지 않는다고 확실한 것만 표시하면 비공개 대화에 사용됩니다.',
  'privacy.budgets': '예산 (미국 달러)',
  'privacy.budgetsHint':
    '예산을 넘으면 다음 날이나 다음 달까지 해당 경로를 건너뜁니다. 80 %에서 경고가 표시됩니다. OpenClaw 파일에는 쓰지 않습니다.',
  'privacy.overall': '모든 제공자',
  'privacy.perProvider': '제공자별',
  'privacy.daily': '하루',
  'privacy.warnProviderDay':
    '{{provider}}의 일일 예산 중 {{percent}}%를 썼습니다 ({{limit}} 중 {{spent}})',
  'privacy.warnProviderMonth':
    '{{provider}}의 월 예산 중 {{percent}}%를 썼습니다 ({{limit}} 중 {{spent}})',
  'privacy.warnOverallDay': '전체 일일 예산 중 {{percent}}%를 썼습니다 ({{limit}} 중 {{spent}})',
  'privacy.warnOverallMonth': '전체 월 예산 중 {{percent}}%를 썼습니다 ({{limit}} 중 {{spent}})',
  'privacy.monthly': '한 달',
  'privacy.noLimit': '제한 없음',
  'privacy.spendTitle': '사용 비용',
  'privacy.spendToday': '오늘',
  'privacy.spendMonth': '이번 달',
  'privacy.spendUnknown_one': '가격을 알 수 없는 답변 {{count}}개 (합계에서 제외)',
  'privacy.spendUnknown_other': '가격을 알 수 없는 답변 {{count}}개 (합계에서 제외)',
  'privacy.standingWarning': '예산의 80 % 사용',
  'privacy.standingOver': '예산 초과: 해당 경로를 건너뜀',
  'privacy.spendNone': '이번 달에는 아직 사용 비용이 없습니다.',
  'privacy.spendSettings': '예산 설정',
  'privacy.filterLeft': '이 컴퓨터를 벗어난 답변만',
};
