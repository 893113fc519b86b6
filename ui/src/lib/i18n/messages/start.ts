/** One-click start: the suggested local model on the first screen, and the first prompts. */
export const en = {
  'start.use': 'Use {{model}} on {{server}}',
  'start.useShort': 'Use it',
  'start.quickTitle': 'Quickest start: one local model, tested and saved',
  'start.explain':
    'Tests it live, saves a local-only setup and opens the chat. Nothing leaves this machine.',
  'start.facts': '{{context}} context · loaded',
  'start.factsNotLoaded': '{{context}} context · loads on first use',
  'start.testing': 'Testing {{model}}…',
  'start.cancel': 'Cancel',
  'start.failed': 'Nothing was saved.',
  'start.ready': '{{model}} on {{server}} answered — ask it anything.',
  'start.promptsLabel': 'Try one of these',
  'start.prompt1': 'Explain what a context window is, in three sentences.',
  'start.prompt2': 'Write a short haiku about running models on my own computer.',
  'start.prompt3': 'Give me three tips for writing a clear bug report.',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'start.use': '{{server}}의 {{model}} 사용',
  'start.useShort': '사용하기',
  'start.quickTitle': '가장 빠른 시작: 로컬 모델 하나를 시험하고 저장',
  'start.explain':
    '실제로 답변하는지 시험하고, 로컬 전용 설정을 저장한 뒤 채팅을 엽니다. 아무것도 이 컴퓨터 밖으로 나가지 않습니다.',
  'start.facts': '컨텍스트 {{context}} · 로드됨',
  'start.factsNotLoaded': '컨텍스트 {{context}} · 처음 쓸 때 로드',
  'start.testing': '{{model}} 시험 중…',
  'start.cancel': '취소',
  'start.failed': '저장하지 않았습니다.',
  'start.ready': '{{server}}의 {{model}}이(가) 답했습니다. 무엇이든 물어보세요.',
  'start.promptsLabel': '이렇게 시작해 보세요',
  'start.prompt1': '컨텍스트 창이 무엇인지 세 문장으로 설명해 줘.',
  'start.prompt2': '내 컴퓨터에서 모델을 돌리는 일에 대한 짧은 하이쿠를 써 줘.',
  'start.prompt3': '명확한 버그 리포트를 쓰는 요령 세 가지를 알려 줘.',
};
