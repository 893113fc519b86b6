/** The chat composer's images: attach, preview, remove, and why one was not taken. */
export const en = {
  'images.attach': 'Attach image',
  'images.attachTitle': 'Attach PNG, JPEG, WebP or GIF images (or paste or drop them here)',
  'images.remove': 'Remove image {{name}}',
  'images.preview': 'Attached image {{name}}',
  'images.list': 'Images to send',
  'images.shown': 'Image {{index}} of the message',
  'images.badType': '{{name}} is not a PNG, JPEG, WebP or GIF image.',
  'images.tooLarge': '{{name}} is {{size}}; images may be at most {{limit}}.',
  'images.tooMany': 'At most {{limit}} images per message.',
  'images.unreadable': '{{name}} could not be read.',
  'images.textOnly': '{{model}} takes text only: pick a model that reads images to send these.',
  'images.textOnlyDrop': '{{model}} takes text only: pick a model that reads images first.',
  'images.refusedModel':
    '{{model}} takes text only, so nothing was sent. Pick a model that reads images, or remove the images.',
  'images.refusedRoute': 'No model of this route reads images, so nothing was sent. {{detail}}',
};

export const ko: Record<keyof typeof en, string> = {
  'images.attach': '이미지 첨부',
  'images.attachTitle': 'PNG, JPEG, WebP, GIF 이미지 첨부 (여기에 붙여넣거나 끌어다 놓아도 됩니다)',
  'images.remove': '이미지 {{name}} 제거',
  'images.preview': '첨부한 이미지 {{name}}',
  'images.list': '보낼 이미지',
  'images.shown': '메시지의 이미지 {{index}}',
  'images.badType': '{{name}}은(는) PNG, JPEG, WebP, GIF 이미지가 아닙니다.',
  'images.tooLarge': '{{name}}의 크기는 {{size}}입니다. 이미지는 최대 {{limit}}까지 됩니다.',
  'images.tooMany': '메시지 하나에 이미지는 최대 {{limit}}개까지입니다.',
  'images.unreadable': '{{name}}을(를) 읽을 수 없습니다.',
  'images.textOnly':
    '{{model}}은(는) 텍스트만 받습니다. 이 이미지를 보내려면 이미지를 읽는 모델을 고르세요.',
  'images.textOnlyDrop': '{{model}}은(는) 텍스트만 받습니다. 먼저 이미지를 읽는 모델을 고르세요.',
  'images.refusedModel':
    '{{model}}은(는) 텍스트만 받아서 아무것도 보내지 않았습니다. 이미지를 읽는 모델을 고르거나 이미지를 빼세요.',
  'images.refusedRoute':
    '이 경로에는 이미지를 읽는 모델이 없어서 아무것도 보내지 않았습니다. {{detail}}',
};
