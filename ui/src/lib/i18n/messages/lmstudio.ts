/** LM Studio in the wizard: just-in-time Load, Keep loaded, and downloading a model. */
export const en = {
  'lmstudio.load': 'Load',
  'lmstudio.loading': 'Loading…',
  'lmstudio.loadTitle':
    'LM Studio loads it now and unloads it after an hour without use (just-in-time loading)',
  'lmstudio.keepLoaded': 'Keep loaded',
  'lmstudio.keepLoadedTitle':
    'LM Studio keeps it in memory until you unload it: no idle unload, the first answer never waits',
  'lmstudio.offerTitle': 'No chat model worth using yet: download one through LM Studio',
  'lmstudio.offerRecommended':
    '{{name}} ({{params}}, {{size}}): the largest MiniMax M2.1 build this computer can run, as the local-models guide advises.',
  'lmstudio.offerSmaller':
    '{{name}} ({{params}}, {{size}}): MiniMax M2.1, the guide’s recommendation, needs about {{needs}} of memory; this computer has {{memory}}.',
  'lmstudio.memory': 'This computer has {{memory}} of memory.',
  'lmstudio.memoryUnknown': 'The memory of this computer could not be read: check the size fits.',
  'lmstudio.download': 'Download ({{size}})',
  'lmstudio.downloadAgain': 'Download again',
  'lmstudio.cancel': 'Cancel',
  'lmstudio.starting': 'Starting the download…',
  'lmstudio.progressLabel': 'Download of {{name}}',
  'lmstudio.percent': '{{percent}}%',
  'lmstudio.speed': '{{speed}} MB/s',
  'lmstudio.left': '{{time}} left',
  'lmstudio.paused': 'Paused in LM Studio',
  'lmstudio.of': '{{done}} of {{total}}',
  'lmstudio.done': '{{name}} is downloaded and selected: Next uses it.',
  'lmstudio.already': '{{name}} was downloaded already and is selected: Next uses it.',
  'lmstudio.failed': 'The download stopped: {{message}}',
  'lmstudio.cancelled':
    'Switchboard stopped following the download. LM Studio has no way to cancel it through its API, so it may go on in LM Studio: pause or cancel it in LM Studio’s Downloads panel. Download again picks it up.',
  'lmstudio.coldLoad': 'Loading the model in LM Studio…',
  'lmstudio.secs': '{{n}} s',
  'lmstudio.mins': '{{m}} min',
  'lmstudio.hoursMins': '{{h}} h {{m}} min',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'lmstudio.load': '로드',
  'lmstudio.loading': '로드하는 중…',
  'lmstudio.loadTitle':
    'LM Studio가 지금 로드하고 한 시간 동안 쓰지 않으면 내립니다(필요할 때 로드)',
  'lmstudio.keepLoaded': '계속 로드해 두기',
  'lmstudio.keepLoadedTitle':
    '직접 내릴 때까지 LM Studio가 메모리에 유지합니다. 유휴 시 내리지 않으므로 첫 답변이 기다리지 않습니다',
  'lmstudio.offerTitle': '아직 쓸 만한 채팅 모델이 없습니다. LM Studio로 하나 내려받으세요',
  'lmstudio.offerRecommended':
    '{{name}}({{params}}, {{size}}): 로컬 모델 가이드가 권하는 대로, 이 컴퓨터에서 실행할 수 있는 가장 큰 MiniMax M2.1 빌드입니다.',
  'lmstudio.offerSmaller':
    '{{name}}({{params}}, {{size}}): 가이드가 권하는 MiniMax M2.1은 메모리가 약 {{needs}} 필요한데 이 컴퓨터는 {{memory}}입니다.',
  'lmstudio.memory': '이 컴퓨터의 메모리는 {{memory}}입니다.',
  'lmstudio.memoryUnknown': '이 컴퓨터의 메모리를 읽지 못했습니다. 크기가 맞는지 확인하세요.',
  'lmstudio.download': '내려받기({{size}})',
  'lmstudio.downloadAgain': '다시 내려받기',
  'lmstudio.cancel': '취소',
  'lmstudio.starting': '내려받기를 시작하는 중…',
  'lmstudio.progressLabel': '{{name}} 내려받기',
  'lmstudio.percent': '{{percent}}%',
  'lmstudio.speed': '{{speed}} MB/s',
  'lmstudio.left': '{{time}} 남음',
  'lmstudio.paused': 'LM Studio에서 일시 중지됨',
  'lmstudio.of': '{{done}} / {{total}}',
  'lmstudio.done': '{{name}}을(를) 내려받아 선택했습니다. 다음 단계에서 사용합니다.',
  'lmstudio.already': '{{name}}은(는) 이미 내려받아져 있어 선택했습니다. 다음 단계에서 사용합니다.',
  'lmstudio.failed': '내려받기가 멈췄습니다: {{message}}',
  'lmstudio.cancelled':
    'Switchboard가 내려받기를 더 이상 따라가지 않습니다. LM Studio API로는 취소할 수 없어 LM Studio에서 계속될 수 있습니다. LM Studio의 내려받기 패널에서 일시 중지하거나 취소하세요. 다시 내려받기를 누르면 이어서 받습니다.',
  'lmstudio.coldLoad': 'LM Studio에서 모델을 로드하는 중…',
  'lmstudio.secs': '{{n}}초',
  'lmstudio.mins': '{{m}}분',
  'lmstudio.hoursMins': '{{h}}시간 {{m}}분',
};
