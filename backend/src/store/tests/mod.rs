mod accounts;
mod attempts;
mod captcha;
