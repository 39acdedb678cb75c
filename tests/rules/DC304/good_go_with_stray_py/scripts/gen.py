print('gen')
