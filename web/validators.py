"""Password validators whose messages are Chinese.

Django 5.2's minimum-length message uses a msgid (``%d``) that its zh-hans catalogue does
not carry (it has ``%(min_length)d``), so the message came out in English.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
